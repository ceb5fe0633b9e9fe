"""SQS through the AWS CLI v2 (Debian's /usr/bin/aws, awsQuery protocol)."""

import json
import unittest

try:
    from . import harness
    from . import sqs_helpers as h
except ImportError:
    import harness
    import sqs_helpers as h


@unittest.skipUnless(harness.aws_cli_installed(), "AWS CLI not installed at %s" % harness.AWS_CLI)
class AwsCliTest(harness.AwsCliMixin, h.SqsTestCase):
    cli_service = "sqs"

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
