"""Upload a file to a bucket: replace the key with yours."""

import boto3

AWS_ACCESS_KEY_ID = "{{aws_key}}"


def upload(path: str) -> None:
    boto3.client("s3", aws_access_key_id=AWS_ACCESS_KEY_ID).upload_file(path, "bucket", path)
