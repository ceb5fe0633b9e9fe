"""SQS through the AWS CLI v2 (Debian's /usr/bin/aws, awsQuery protocol)."""

import json
import os
import subprocess
import tempfile
import unittest

try:
    from . import sqs_helpers as h
except ImportError:
    import sqs_helpers as h

AWS_CLI = os.environ.get("STRATUS_AWS_CLI", "/usr/bin/aws")


@unittest.skipUnless(os.path.isfile(AWS_CLI) and os.access(AWS_CLI, os.X_OK),
                     "AWS CLI not installed at %s" % AWS_CLI)
class AwsCliTest(h.SqsTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._home = tempfile.mkdtemp(prefix="stratus-itest-cli-home-")
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("AWS_", "PYTHON", "BOTO"))}
        env.update({
            "HOME": cls._home,
            "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE",
            "AWS_SECRET_ACCESS_KEY": "dummy-secret-key",
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_CONFIG_FILE": os.path.join(cls._home, "no-config"),
            "AWS_SHARED_CREDENTIALS_FILE": os.path.join(cls._home, "no-credentials"),
            "AWS_PAGER": "",
            "AWS_MAX_ATTEMPTS": "1",
        })
        cls.cli_env = env

    @classmethod
    def tearDownClass(cls):
        import shutil
        shutil.rmtree(cls._home, ignore_errors=True)
        super().tearDownClass()

    def aws(self, *args, check=True):
        cmd = [AWS_CLI, "--endpoint-url", self.server.endpoint, "--output", "json", "sqs"]
        cmd += list(args)
        proc = subprocess.run(cmd, env=self.cli_env, stdin=subprocess.DEVNULL,
                              capture_output=True, text=True, timeout=60)
        if check:
            self.assertEqual(proc.returncode, 0, "aws %s failed:\nstdout: %s\nstderr: %s"
                             % (" ".join(args), proc.stdout, proc.stderr))
            return json.loads(proc.stdout) if proc.stdout.strip() else {}
        return proc

    def test_cli_round_trip(self):
        name = h.unique("cli")
        url = self.aws("create-queue", "--queue-name", name,
                       "--attributes", "VisibilityTimeout=5,DelaySeconds=0")["QueueUrl"]
        self.assertTrue(url.endswith("/" + name), url)
        self.assertEqual(url, self.sqs.get_queue_url(QueueName=name)["QueueUrl"])

        attrs = self.aws("get-queue-attributes", "--queue-url", url,
                         "--attribute-names", "All")["Attributes"]
        self.assertEqual(attrs["VisibilityTimeout"], "5")
        self.assertEqual(attrs["DelaySeconds"], "0")
        self.assertTrue(attrs["QueueArn"].endswith(":" + name))

        msg_attrs = {"color": {"DataType": "String", "StringValue": "blue"},
                     "size": {"DataType": "Number", "StringValue": "3"}}
        body = "from the cli \u00e9"
        sent = self.aws("send-message", "--queue-url", url, "--message-body", body,
                        "--message-attributes", json.dumps(msg_attrs))
        self.assertEqual(sent["MD5OfMessageBody"], h.md5_hex(body))
        self.assertEqual(sent["MD5OfMessageAttributes"], h.md5_of_attributes(msg_attrs))

        # a message from the SDK client is visible to the CLI and vice versa
        other = self.sqs.send_message(QueueUrl=url, MessageBody="from the sdk")

        received = self.aws("receive-message", "--queue-url", url,
                            "--attribute-names", "All", "--message-attribute-names", "All",
                            "--max-number-of-messages", "10", "--wait-time-seconds", "1")
        msgs = received.get("Messages", [])
        by_id = {m["MessageId"]: m for m in msgs}
        if len(by_id) < 2:  # short reads are allowed: take the rest
            more = self.aws("receive-message", "--queue-url", url, "--attribute-names", "All",
                            "--message-attribute-names", "All", "--max-number-of-messages",
                            "10", "--wait-time-seconds", "1").get("Messages", [])
            by_id.update({m["MessageId"]: m for m in more})
        self.assertEqual(set(by_id), {sent["MessageId"], other["MessageId"]})
        cli_msg = by_id[sent["MessageId"]]
        self.assertEqual(cli_msg["Body"], body)
        self.assertEqual(cli_msg["MD5OfBody"], h.md5_hex(body))
        self.assertEqual(cli_msg["MessageAttributes"], msg_attrs)
        self.assertEqual(cli_msg["MD5OfMessageAttributes"], h.md5_of_attributes(msg_attrs))
        self.assertEqual(cli_msg["Attributes"]["ApproximateReceiveCount"], "1")
        self.assertIn("SentTimestamp", cli_msg["Attributes"])
        self.assertEqual(by_id[other["MessageId"]]["Body"], "from the sdk")

        for m in by_id.values():
            self.assertEqual(self.aws("delete-message", "--queue-url", url,
                                      "--receipt-handle", m["ReceiptHandle"]), {})
        attrs = self.aws("get-queue-attributes", "--queue-url", url, "--attribute-names",
                         "ApproximateNumberOfMessages",
                         "ApproximateNumberOfMessagesNotVisible")["Attributes"]
        self.assertEqual(attrs, {"ApproximateNumberOfMessages": "0",
                                 "ApproximateNumberOfMessagesNotVisible": "0"})
        self.assertEqual(self.aws("receive-message", "--queue-url", url).get("Messages", []), [])

    def test_cli_error(self):
        proc = self.aws("get-queue-url", "--queue-name", h.unique("missing"), check=False)
        self.assertEqual(proc.returncode, 254, proc.stderr)
        self.assertIn("AWS.SimpleQueueService.NonExistentQueue", proc.stderr)


if __name__ == "__main__":
    unittest.main()
