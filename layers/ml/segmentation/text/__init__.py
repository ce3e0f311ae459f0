"""Job-ad text: corpus handling and the training pipeline steps."""
