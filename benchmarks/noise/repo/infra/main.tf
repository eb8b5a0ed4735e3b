provider "aws" {
  region     = "eu-west-1"
  access_key = "{{aws_key}}"
  secret_key = "{{aws_secret}}"
}
