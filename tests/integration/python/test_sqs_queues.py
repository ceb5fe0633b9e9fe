"""SQS queue management: create/get/list/delete/purge, attributes, names, accounts,
regions, tags, permissions."""

import json
import time

try:
    from . import sqs_helpers as h
except ImportError:
    import sqs_helpers as h


class CreateAndLookupTest(h.SqsTestCase):

    def test_create_queue_url_and_get_queue_url(self):
        name = h.unique("create")
        url = self.sqs.create_queue(QueueName=name)["QueueUrl"]
        self.assertEqual(url, "%s/%s/%s" % (self.server.endpoint, h.DEFAULT_ACCOUNT, name))
        self.assertEqual(self.sqs.get_queue_url(QueueName=name)["QueueUrl"], url)

    def test_create_queue_is_idempotent_with_identical_attributes(self):
        name = h.unique("idem")
        attrs = {"VisibilityTimeout": "45", "DelaySeconds": "2"}
        url1 = self.sqs.create_queue(QueueName=name, Attributes=attrs)["QueueUrl"]
        url2 = self.sqs.create_queue(QueueName=name, Attributes=attrs)["QueueUrl"]
        self.assertEqual(url1, url2)

    def test_create_queue_with_different_attributes_fails(self):
        name = h.unique("exists")
        self.sqs.create_queue(QueueName=name, Attributes={"VisibilityTimeout": "45"})
        with self.assertAwsError(h.QUEUE_ALREADY_EXISTS):
            self.sqs.create_queue(QueueName=name, Attributes={"VisibilityTimeout": "46"})

    def test_get_queue_url_of_missing_queue(self):
        with self.assertAwsError(h.NON_EXISTENT_QUEUE):
            self.sqs.get_queue_url(QueueName=h.unique("missing"))

    def test_operations_on_missing_queue_url(self):
        url = "%s/%s/%s" % (self.server.endpoint, h.DEFAULT_ACCOUNT, h.unique("gone"))
        with self.assertAwsError(h.NON_EXISTENT_QUEUE):
            self.sqs.send_message(QueueUrl=url, MessageBody="x")
        with self.assertAwsError(h.NON_EXISTENT_QUEUE):
            self.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])

    def test_queue_name_limits(self):
        ok = (h.unique("n80") + "_" * 80)[:80]
        url = self.sqs.create_queue(QueueName=ok)["QueueUrl"]
        self.assertTrue(url.endswith("/" + ok))
        self.sqs.delete_queue(QueueUrl=url)
        for bad in ["a" * 81, "bad name", "bad!name", "bad.name", "caf\u00e9"]:
            with self.subTest(name=bad), self.assertAwsError("InvalidParameterValue"):
                self.sqs.create_queue(QueueName=bad)

    def test_fifo_suffix_requires_fifo_queue_attribute(self):
        with self.assertAwsError("InvalidParameterValue"):
            self.sqs.create_queue(QueueName=h.unique("nofifo") + ".fifo")
        # and FifoQueue=true requires the suffix
        with self.assertAwsError("InvalidParameterValue"):
            self.sqs.create_queue(QueueName=h.unique("nosuffix"),
                                  Attributes={"FifoQueue": "true"})

    def test_delete_queue(self):
        name = h.unique("del")
        url = self.sqs.create_queue(QueueName=name)["QueueUrl"]
        self.sqs.delete_queue(QueueUrl=url)
        with self.assertAwsError(h.NON_EXISTENT_QUEUE):
            self.sqs.get_queue_url(QueueName=name)
        self.assertNotIn(url, self.sqs.list_queues(QueueNamePrefix=name).get("QueueUrls", []))

    def test_purge_queue(self):
        url = self.create_queue()
        for i in range(3):
            self.sqs.send_message(QueueUrl=url, MessageBody="m%d" % i)
        self.sqs.purge_queue(QueueUrl=url)
        self.assertEqual(self.receive(url), [])
        attrs = self.queue_attributes(url, ["ApproximateNumberOfMessages"])
        self.assertEqual(attrs["ApproximateNumberOfMessages"], "0")


class ListQueuesTest(h.SqsTestCase):

    def test_list_queues_with_prefix(self):
        prefix = h.unique("lp")
        names = [prefix + "-a", prefix + "-b", prefix + "-c"]
        urls = sorted(self.sqs.create_queue(QueueName=n)["QueueUrl"] for n in names)
        other = self.sqs.create_queue(QueueName=h.unique("other"))["QueueUrl"]
        res = self.sqs.list_queues(QueueNamePrefix=prefix)
        self.assertEqual(sorted(res.get("QueueUrls", [])), urls)
        self.assertNotIn("NextToken", res)
        self.assertIn(other, self.sqs.list_queues().get("QueueUrls", []))
        # no match: no QueueUrls at all
        self.assertEqual(self.sqs.list_queues(QueueNamePrefix=h.unique("none"))
                         .get("QueueUrls", []), [])

    def test_list_queues_paging(self):
        prefix = h.unique("pg")
        urls = sorted(self.sqs.create_queue(QueueName="%s-%d" % (prefix, i))["QueueUrl"]
                      for i in range(5))
        seen = []
        token = None
        pages = 0
        while True:
            kwargs = {"QueueNamePrefix": prefix, "MaxResults": 2}
            if token:
                kwargs["NextToken"] = token
            res = self.sqs.list_queues(**kwargs)
            page = res.get("QueueUrls", [])
            self.assertLessEqual(len(page), 2)
            seen.extend(page)
            pages += 1
            token = res.get("NextToken")
            if not token:
                break
            self.assertLess(pages, 10, "paging does not terminate")
        self.assertEqual(sorted(seen), urls)
        self.assertEqual(len(seen), len(set(seen)))
        self.assertGreaterEqual(pages, 3)


class QueueAttributesTest(h.SqsTestCase):

    def test_default_attributes(self):
        name = h.unique("attrs")
        before = int(time.time())
        url = self.create_queue(name)
        attrs = self.queue_attributes(url)
        self.assertEqual(attrs["QueueArn"],
                         "arn:aws:sqs:%s:%s:%s" % (h.REGION, h.DEFAULT_ACCOUNT, name))
        expected = {
            "VisibilityTimeout": "30",
            "MaximumMessageSize": "1048576",
            "MessageRetentionPeriod": "345600",
            "DelaySeconds": "0",
            "ReceiveMessageWaitTimeSeconds": "0",
            "ApproximateNumberOfMessages": "0",
            "ApproximateNumberOfMessagesNotVisible": "0",
            "ApproximateNumberOfMessagesDelayed": "0",
            "SqsManagedSseEnabled": "true",
        }
        for key, value in expected.items():
            self.assertEqual(attrs.get(key), value, "attribute %s in %r" % (key, attrs))
        for key in ("CreatedTimestamp", "LastModifiedTimestamp"):
            ts = int(attrs[key])
            self.assertTrue(before - 60 <= ts <= time.time() + 60, "%s=%s" % (key, ts))
        # standard queues do not report FIFO attributes
        self.assertNotIn("FifoQueue", attrs)
        self.assertNotIn("ContentBasedDeduplication", attrs)

    def test_named_attributes_only(self):
        url = self.create_queue()
        attrs = self.queue_attributes(url, ["VisibilityTimeout", "QueueArn"])
        self.assertEqual(set(attrs), {"VisibilityTimeout", "QueueArn"})

    def test_message_counts(self):
        url = self.create_queue()
        self.sqs.send_message(QueueUrl=url, MessageBody="visible-1")
        self.sqs.send_message(QueueUrl=url, MessageBody="visible-2")
        self.sqs.send_message(QueueUrl=url, MessageBody="delayed", DelaySeconds=30)
        msgs = self.receive(url, MaxNumberOfMessages=1, VisibilityTimeout=30)
        self.assertEqual(len(msgs), 1)
        attrs = self.queue_attributes(url, ["ApproximateNumberOfMessages",
                                            "ApproximateNumberOfMessagesNotVisible",
                                            "ApproximateNumberOfMessagesDelayed"])
        self.assertEqual(attrs, {"ApproximateNumberOfMessages": "1",
                                 "ApproximateNumberOfMessagesNotVisible": "1",
                                 "ApproximateNumberOfMessagesDelayed": "1"})

    def test_create_with_attributes_and_set_queue_attributes(self):
        url = self.create_queue(VisibilityTimeout=45, DelaySeconds=3,
                                MaximumMessageSize=2048, MessageRetentionPeriod=600,
                                ReceiveMessageWaitTimeSeconds=1)
        attrs = self.queue_attributes(url)
        self.assertEqual(attrs["VisibilityTimeout"], "45")
        self.assertEqual(attrs["DelaySeconds"], "3")
        self.assertEqual(attrs["MaximumMessageSize"], "2048")
        self.assertEqual(attrs["MessageRetentionPeriod"], "600")
        self.assertEqual(attrs["ReceiveMessageWaitTimeSeconds"], "1")
        self.sqs.set_queue_attributes(QueueUrl=url, Attributes={
            "VisibilityTimeout": "60", "DelaySeconds": "0"})
        attrs = self.queue_attributes(url, ["VisibilityTimeout", "DelaySeconds"])
        self.assertEqual(attrs, {"VisibilityTimeout": "60", "DelaySeconds": "0"})

    def test_invalid_attribute_name(self):
        with self.assertAwsError("InvalidAttributeName"):
            self.sqs.create_queue(QueueName=h.unique("badattr"),
                                  Attributes={"NoSuchAttribute": "1"})
        url = self.create_queue()
        with self.assertAwsError("InvalidAttributeName"):
            self.sqs.set_queue_attributes(QueueUrl=url, Attributes={"NoSuchAttribute": "1"})
        with self.assertAwsError("InvalidAttributeName"):
            self.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["NoSuchAttribute"])

    def test_invalid_attribute_value(self):
        bad = [("VisibilityTimeout", "43201"), ("VisibilityTimeout", "-1"),
               ("VisibilityTimeout", "abc"), ("DelaySeconds", "901"),
               ("MaximumMessageSize", "1023"), ("MaximumMessageSize", "1048577"),
               ("MessageRetentionPeriod", "59"), ("ReceiveMessageWaitTimeSeconds", "21")]
        url = self.create_queue()
        for key, value in bad:
            with self.subTest(attribute=key, value=value):
                with self.assertAwsError("InvalidAttributeValue"):
                    self.sqs.create_queue(QueueName=h.unique("badval"),
                                          Attributes={key: value})
                with self.assertAwsError("InvalidAttributeValue"):
                    self.sqs.set_queue_attributes(QueueUrl=url, Attributes={key: value})
        self.assertEqual(self.queue_attributes(url, ["VisibilityTimeout"]),
                         {"VisibilityTimeout": "30"})


class AccountsAndRegionsTest(h.SqsTestCase):

    def test_twelve_digit_access_key_is_the_account(self):
        other = self.server.client(access_key="123456789012")
        name = h.unique("acct")
        url = other.create_queue(QueueName=name)["QueueUrl"]
        self.assertEqual(url, "%s/123456789012/%s" % (self.server.endpoint, name))
        self.assertEqual(self.queue_attributes(url, ["QueueArn"], client=other)["QueueArn"],
                         "arn:aws:sqs:us-east-1:123456789012:%s" % name)
        # invisible to the default account
        with self.assertAwsError(h.NON_EXISTENT_QUEUE):
            self.sqs.get_queue_url(QueueName=name)
        self.assertNotIn(url, self.sqs.list_queues(QueueNamePrefix=name).get("QueueUrls", []))

    def test_regions_are_separate(self):
        west = self.server.client(region="eu-west-1")
        name = h.unique("region")
        url = self.sqs.create_queue(QueueName=name,
                                    Attributes={"VisibilityTimeout": "40"})["QueueUrl"]
        with self.assertAwsError(h.NON_EXISTENT_QUEUE):
            west.get_queue_url(QueueName=name)
        self.assertEqual(west.list_queues(QueueNamePrefix=name).get("QueueUrls", []), [])
        # the same name with other attributes is a different queue there
        west_url = west.create_queue(QueueName=name,
                                     Attributes={"VisibilityTimeout": "50"})["QueueUrl"]
        west_attrs = self.queue_attributes(west_url, client=west)
        self.assertEqual(west_attrs["VisibilityTimeout"], "50")
        self.assertEqual(west_attrs["QueueArn"],
                         "arn:aws:sqs:eu-west-1:%s:%s" % (h.DEFAULT_ACCOUNT, name))
        self.assertEqual(self.queue_attributes(url, ["VisibilityTimeout"]),
                         {"VisibilityTimeout": "40"})
        west.send_message(QueueUrl=west_url, MessageBody="only-in-eu-west-1")
        self.assertEqual(self.receive(url), [])
        got = self.receive(west_url, client=west)
        self.assertEqual([m["Body"] for m in got], ["only-in-eu-west-1"])


class TagsAndPermissionsTest(h.SqsTestCase):

    def test_tags(self):
        url = self.sqs.create_queue(QueueName=h.unique("tags"),
                                    tags={"env": "test", "team": "a"})["QueueUrl"]
        self.assertEqual(self.sqs.list_queue_tags(QueueUrl=url).get("Tags"),
                         {"env": "test", "team": "a"})
        self.sqs.tag_queue(QueueUrl=url, Tags={"team": "b", "cost": "42"})
        self.assertEqual(self.sqs.list_queue_tags(QueueUrl=url).get("Tags"),
                         {"env": "test", "team": "b", "cost": "42"})
        self.sqs.untag_queue(QueueUrl=url, TagKeys=["env", "cost"])
        self.assertEqual(self.sqs.list_queue_tags(QueueUrl=url).get("Tags"), {"team": "b"})
        self.sqs.untag_queue(QueueUrl=url, TagKeys=["team"])
        self.assertFalse(self.sqs.list_queue_tags(QueueUrl=url).get("Tags"))

    def test_add_and_remove_permission(self):
        url = self.create_queue()
        arn = self.queue_arn(url)
        self.assertNotIn("Policy", self.queue_attributes(url))
        self.sqs.add_permission(QueueUrl=url, Label="allow-send",
                                AWSAccountIds=["111122223333"],
                                Actions=["SendMessage", "ReceiveMessage"])
        policy = json.loads(self.queue_attributes(url, ["Policy"])["Policy"])
        self.assertIn("Version", policy)
        statements = policy["Statement"]
        self.assertEqual(len(statements), 1)
        st = statements[0]
        self.assertEqual(st["Sid"], "allow-send")
        self.assertEqual(st["Effect"], "Allow")
        self.assertEqual(st["Resource"], arn)
        principal = st["Principal"]["AWS"]
        principals = principal if isinstance(principal, list) else [principal]
        self.assertEqual(principals, ["arn:aws:iam::111122223333:root"])
        actions = st["Action"] if isinstance(st["Action"], list) else [st["Action"]]
        self.assertEqual(sorted(actions), ["SQS:ReceiveMessage", "SQS:SendMessage"])

        self.sqs.add_permission(QueueUrl=url, Label="second",
                                AWSAccountIds=["444455556666"], Actions=["DeleteMessage"])
        policy = json.loads(self.queue_attributes(url, ["Policy"])["Policy"])
        self.assertEqual(sorted(s["Sid"] for s in policy["Statement"]),
                         ["allow-send", "second"])

        self.sqs.remove_permission(QueueUrl=url, Label="allow-send")
        policy = json.loads(self.queue_attributes(url, ["Policy"])["Policy"])
        self.assertEqual([s["Sid"] for s in policy["Statement"]], ["second"])
        self.sqs.remove_permission(QueueUrl=url, Label="second")
        remaining = self.queue_attributes(url, ["Policy"]).get("Policy")
        if remaining:
            self.assertEqual(json.loads(remaining).get("Statement", []), [])


if __name__ == "__main__":
    import unittest
    unittest.main()
