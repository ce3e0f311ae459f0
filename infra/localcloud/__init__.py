"""The embedded local cloud: moto as the emulator, plus the pieces moto lacks (in-process Lambda,
EventBridge delivery, the HTTP API data plane), and the deployer that reads template.yaml."""
