"""What every service shares: settings, AWS clients, errors and the HTTP API helpers."""
