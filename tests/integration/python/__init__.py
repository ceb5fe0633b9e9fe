"""Python integration tests: real boto3/botocore clients and the AWS CLI against the
Stratus binary. See harness.py for how the server is started."""
