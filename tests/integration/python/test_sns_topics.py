"""SNS control plane: topics (names, attributes, paging, tags, permissions, data
protection policies, deletion), subscriptions (CRUD, idempotency, attribute checks,
filter policy validation, paging) and Publish / PublishBatch input checks."""

import json
import unittest
import uuid

try:
    from . import harness
    from . import sns_helpers as s
except ImportError:
    import harness
    import sns_helpers as s

DEFAULT_ACTIONS = ["SNS:GetTopicAttributes", "SNS:SetTopicAttributes", "SNS:AddPermission",
                   "SNS:RemovePermission", "SNS:DeleteTopic", "SNS:Subscribe",
                   "SNS:ListSubscriptionsByTopic", "SNS:Publish"]

DEFAULT_EFFECTIVE_DELIVERY_POLICY = {
    "http": {
        "defaultHealthyRetryPolicy": {
            "minDelayTarget": 20, "maxDelayTarget": 20, "numRetries": 3, "numMaxDelayRetries": 0,
            "numNoDelayRetries": 0, "numMinDelayRetries": 0, "backoffFunction": "linear"},
        "disableSubscriptionOverrides": False,
        "defaultRequestPolicy": {"headerContentType": "text/plain; charset=UTF-8"},
    }
}

# The example policy of the AWS "message data protection" documentation.
DATA_PROTECTION_POLICY = {
    "Name": "basicPII-protection",
    "Description": "Protect basic types of sensitive data",
    "Version": "2021-06-01",
    "Statement": [{
        "Sid": "basicPII-inbound-protection",
        "DataDirection": "Inbound",
        "Principal": ["*"],
        "DataIdentifier": ["arn:aws:dataprotection::aws:data-identifier/Name",
                           "arn:aws:dataprotection::aws:data-identifier/PhoneNumber-US"],
        "Operation": {"Deny": {}},
    }],
}


def default_policy(topic_arn, account=s.DEFAULT_ACCOUNT):
    return {
        "Version": "2008-10-17",
        "Id": "__default_policy_ID",
        "Statement": [{
            "Sid": "__default_statement_ID",
            "Effect": "Allow",
            "Principal": {"AWS": "*"},
            "Action": DEFAULT_ACTIONS,
            "Resource": topic_arn,
            "Condition": {"StringEquals": {"AWS:SourceOwner": account}},
        }],
    }


def as_list(value):
    return value if isinstance(value, list) else [value]


def sorted_tags(tags):
    return sorted(tags, key=lambda t: t["Key"])


class TopicTest(s.SnsTestCase):

    def test_create_topic_is_idempotent(self):
        name = s.unique("idem")
        arn = self.sns.create_topic(Name=name)["TopicArn"]
        self.assertEqual(arn, "arn:aws:sns:%s:%s:%s" % (s.REGION, s.DEFAULT_ACCOUNT, name))
        self.assertEqual(self.sns.create_topic(Name=name)["TopicArn"], arn)

        named = s.unique("display")
        arn2 = self.sns.create_topic(Name=named, Attributes={"DisplayName": "Shown"},
                                     Tags=[{"Key": "team", "Value": "a"}])["TopicArn"]
        # the same attributes and tags again: the same topic
        self.assertEqual(self.sns.create_topic(Name=named, Attributes={"DisplayName": "Shown"},
                                               Tags=[{"Key": "team", "Value": "a"}])["TopicArn"],
                         arn2)
        with self.assertAwsError(s.INVALID_PARAMETER):
            self.sns.create_topic(Name=named, Attributes={"DisplayName": "Other"})
        with self.assertAwsError(s.INVALID_PARAMETER):
            self.sns.create_topic(Name=named, Tags=[{"Key": "team", "Value": "b"}])
        self.assertEqual(self.topic_attributes(arn2)["DisplayName"], "Shown")
        self.assertEqual(self.sns.list_tags_for_resource(ResourceArn=arn2)["Tags"],
                         [{"Key": "team", "Value": "a"}])

    def test_topic_names(self):
        longest = "n" * 256
        self.assertTrue(self.sns.create_topic(Name=longest)["TopicArn"].endswith(":" + longest))
        for bad in ["", "n" * 257, "has space", "colon:name", "bang!", "at@", "pipe|", "dot.name",
                    "plain.fifo"]:
            with self.subTest(name=bad):
                with self.assertAwsError(s.INVALID_PARAMETER):
                    self.sns.create_topic(Name=bad)
        # FIFO topics: the name must end in .fifo
        with self.assertAwsError(s.INVALID_PARAMETER):
            self.sns.create_topic(Name=s.unique("nofifosuffix"), Attributes={"FifoTopic": "true"})
        fifo_name = s.unique("ok") + ".fifo"
        fifo = self.sns.create_topic(Name=fifo_name, Attributes={"FifoTopic": "true"})["TopicArn"]
        self.assertTrue(fifo.endswith(":" + fifo_name))
        attributes = self.topic_attributes(fifo)
        self.assertEqual(attributes["FifoTopic"], "true")
        self.assertEqual(attributes["ContentBasedDeduplication"], "false")
        longest_fifo = "f" * 251 + ".fifo"
        self.assertTrue(self.sns.create_topic(Name=longest_fifo, Attributes={"FifoTopic": "true"})
                        ["TopicArn"].endswith(":" + longest_fifo))
        with self.assertAwsError(s.INVALID_PARAMETER):
            self.sns.create_topic(Name="f" * 252 + ".fifo", Attributes={"FifoTopic": "true"})

    def test_default_topic_attributes(self):
        arn = self.create_topic()
        attributes = self.topic_attributes(arn)
        self.assertEqual(set(attributes), {"DisplayName", "EffectiveDeliveryPolicy", "Owner", "Policy",
                                           "SubscriptionsConfirmed", "SubscriptionsDeleted",
                                           "SubscriptionsPending", "TopicArn"})
        self.assertEqual(attributes["TopicArn"], arn)
        self.assertEqual(attributes["Owner"], s.DEFAULT_ACCOUNT)
        self.assertEqual(attributes["DisplayName"], "")
        for counter in ("SubscriptionsConfirmed", "SubscriptionsDeleted", "SubscriptionsPending"):
            self.assertEqual(attributes[counter], "0")
        self.assertEqual(json.loads(attributes["Policy"]), default_policy(arn))
        self.assertEqual(json.loads(attributes["EffectiveDeliveryPolicy"]),
                         DEFAULT_EFFECTIVE_DELIVERY_POLICY)

    def test_set_topic_attributes(self):
        arn = self.create_topic()
        policy = {"Version": "2012-10-17", "Statement": [{
            "Sid": "publishers", "Effect": "Allow", "Principal": {"AWS": "*"},
            "Action": "SNS:Publish", "Resource": arn}]}
        delivery = {"http": {"defaultHealthyRetryPolicy": {"minDelayTarget": 5, "maxDelayTarget": 6,
                                                           "numRetries": 1},
                             "disableSubscriptionOverrides": False}}
        for name, value in [("DisplayName", "My Topic"), ("SignatureVersion", "2"),
                            ("TracingConfig", "Active"), ("Policy", json.dumps(policy)),
                            ("DeliveryPolicy", json.dumps(delivery))]:
            self.sns.set_topic_attributes(TopicArn=arn, AttributeName=name, AttributeValue=value)
        attributes = self.topic_attributes(arn)
        self.assertEqual(attributes["DisplayName"], "My Topic")
        self.assertEqual(attributes["SignatureVersion"], "2")
        self.assertEqual(attributes["TracingConfig"], "Active")
        self.assertEqual(json.loads(attributes["Policy"]), policy)
        self.assertEqual(json.loads(attributes["DeliveryPolicy"]), delivery)

        for name, value in [("NoSuchAttribute", "x"), ("SignatureVersion", "3"),
                            ("FifoTopic", "true"), ("FifoTopic", "false"),
                            ("ContentBasedDeduplication", "true"), ("Policy", "{not json")]:
            with self.subTest(attribute=name, value=value):
                with self.assertAwsError(s.INVALID_PARAMETER):
                    self.sns.set_topic_attributes(TopicArn=arn, AttributeName=name,
                                                  AttributeValue=value)
        missing = arn + "-missing"
        with self.assertAwsError(s.NOT_FOUND, status=404):
            self.sns.set_topic_attributes(TopicArn=missing, AttributeName="DisplayName",
                                          AttributeValue="x")
        with self.assertAwsError(s.NOT_FOUND, status=404):
            self.sns.get_topic_attributes(TopicArn=missing)

    def test_fifo_topic_attributes(self):
        arn = self.create_topic(fifo=True)
        self.sns.set_topic_attributes(TopicArn=arn, AttributeName="ContentBasedDeduplication",
                                      AttributeValue="true")
        self.assertEqual(self.topic_attributes(arn)["ContentBasedDeduplication"], "true")
        with self.assertAwsError(s.INVALID_PARAMETER):
            self.sns.set_topic_attributes(TopicArn=arn, AttributeName="FifoTopic",
                                          AttributeValue="false")

    def test_effective_delivery_policy_follows_delivery_policy(self):
        arn = self.create_topic()
        delivery = {"http": {"defaultHealthyRetryPolicy": {"minDelayTarget": 5, "maxDelayTarget": 6,
                                                           "numRetries": 1},
                             "disableSubscriptionOverrides": False}}
        self.sns.set_topic_attributes(TopicArn=arn, AttributeName="DeliveryPolicy",
                                      AttributeValue=json.dumps(delivery))
        effective = json.loads(self.topic_attributes(arn)["EffectiveDeliveryPolicy"])
        expected = json.loads(json.dumps(DEFAULT_EFFECTIVE_DELIVERY_POLICY))
        expected["http"]["defaultHealthyRetryPolicy"].update(
            {"minDelayTarget": 5, "maxDelayTarget": 6, "numRetries": 1})
        self.assertEqual(effective, expected)

    def test_malformed_and_foreign_topic_arns(self):
        """A TopicArn that is no ARN, or names another region, is an invalid parameter."""
        for bad in ["not-an-arn", "arn:aws:sns:us-east-1:%s" % s.DEFAULT_ACCOUNT]:
            with self.subTest(arn=bad):
                with self.assertAwsError(s.INVALID_PARAMETER):
                    self.sns.get_topic_attributes(TopicArn=bad)
                with self.assertAwsError(s.INVALID_PARAMETER):
                    self.sns.publish(TopicArn=bad, Message="m")
                with self.assertAwsError(s.INVALID_PARAMETER):
                    self.sns.subscribe(TopicArn=bad, Protocol="email", Endpoint="a@example.com")
        west = self.server.client("sns", region="us-west-2")
        west_arn = self.create_topic(client=west)
        self.assertIn(":us-west-2:", west_arn)
        self.assertEqual(self.topic_attributes(west_arn, client=west)["TopicArn"], west_arn)
        with self.assertAwsError(s.INVALID_PARAMETER):
            self.sns.get_topic_attributes(TopicArn=west_arn)
        with self.assertAwsError(s.INVALID_PARAMETER):
            self.sns.publish(TopicArn=west_arn, Message="cross-region")

    def test_list_topics_pages_by_100(self):
        # an account of its own, so that other tests' topics do not count
        client = self.server.client("sns", access_key="111122223333")
        created = {self.create_topic(name="page-%03d" % i, client=client) for i in range(105)}
        first = client.list_topics()
        self.assertEqual(len(first["Topics"]), 100)
        self.assertTrue(first.get("NextToken"))
        second = client.list_topics(NextToken=first["NextToken"])
        self.assertEqual(len(second["Topics"]), 5)
        self.assertNotIn("NextToken", second)
        listed = [t["TopicArn"] for t in first["Topics"] + second["Topics"]]
        self.assertEqual(len(listed), len(set(listed)))
        self.assertEqual(set(listed), created)
        for arn in listed:
            self.assertTrue(arn.startswith("arn:aws:sns:us-east-1:111122223333:"), arn)
        # the default account's topics are not among them
        own = self.create_topic()
        self.assertNotIn(own, listed)
        self.assertIn(own, [t["TopicArn"] for t in self.sns.list_topics()["Topics"]] +
                      self._more_topics(self.sns))

    def _more_topics(self, client):
        arns, token = [], client.list_topics().get("NextToken")
        while token:
            res = client.list_topics(NextToken=token)
            arns += [t["TopicArn"] for t in res["Topics"]]
            token = res.get("NextToken")
        return arns

    def test_tags(self):
        arn = self.sns.create_topic(Name=s.unique("tags"), Tags=[
            {"Key": "k1", "Value": "v1"}, {"Key": "k2", "Value": "v2"}])["TopicArn"]
        self.assertEqual(sorted_tags(self.sns.list_tags_for_resource(ResourceArn=arn)["Tags"]),
                         [{"Key": "k1", "Value": "v1"}, {"Key": "k2", "Value": "v2"}])
        self.sns.tag_resource(ResourceArn=arn, Tags=[{"Key": "k2", "Value": "v2b"},
                                                     {"Key": "k3", "Value": ""}])
        self.sns.untag_resource(ResourceArn=arn, TagKeys=["k1", "not-there"])
        self.assertEqual(sorted_tags(self.sns.list_tags_for_resource(ResourceArn=arn)["Tags"]),
                         [{"Key": "k2", "Value": "v2b"}, {"Key": "k3", "Value": ""}])

        missing = arn + "-missing"
        with self.assertAwsError(s.RESOURCE_NOT_FOUND, status=404):
            self.sns.list_tags_for_resource(ResourceArn=missing)
        with self.assertAwsError(s.RESOURCE_NOT_FOUND, status=404):
            self.sns.tag_resource(ResourceArn=missing, Tags=[{"Key": "a", "Value": "b"}])
        with self.assertAwsError(s.RESOURCE_NOT_FOUND, status=404):
            self.sns.untag_resource(ResourceArn=missing, TagKeys=["a"])

    def test_duplicate_tag_keys_are_rejected(self):
        arn = self.create_topic()
        with self.assertAwsError(s.INVALID_PARAMETER):
            self.sns.tag_resource(ResourceArn=arn, Tags=[{"Key": "dup", "Value": "1"},
                                                         {"Key": "dup", "Value": "2"}])
        self.assertEqual(self.sns.list_tags_for_resource(ResourceArn=arn)["Tags"], [])

    def test_tag_limit(self):
        fifty = [{"Key": "k%02d" % i, "Value": "v"} for i in range(50)]
        with self.assertAwsError(s.TAG_LIMIT_EXCEEDED):
            self.sns.create_topic(Name=s.unique("toomany"),
                                  Tags=fifty + [{"Key": "k50", "Value": "v"}])
        arn = self.sns.create_topic(Name=s.unique("fifty"), Tags=fifty)["TopicArn"]
        with self.assertAwsError(s.TAG_LIMIT_EXCEEDED):
            self.sns.tag_resource(ResourceArn=arn, Tags=[{"Key": "one-more", "Value": "v"}])
        # replacing an existing key's value is no new tag
        self.sns.tag_resource(ResourceArn=arn, Tags=[{"Key": "k00", "Value": "changed"}])
        tags = {t["Key"]: t["Value"] for t in self.sns.list_tags_for_resource(ResourceArn=arn)["Tags"]}
        self.assertEqual(len(tags), 50)
        self.assertEqual(tags["k00"], "changed")

    def test_add_and_remove_permission(self):
        arn = self.create_topic()
        self.sns.add_permission(TopicArn=arn, Label="partners",
                                AWSAccountId=["111122223333", "444455556666"],
                                ActionName=["Publish", "Subscribe"])
        policy = json.loads(self.topic_attributes(arn)["Policy"])
        statements = {st["Sid"]: st for st in policy["Statement"]}
        self.assertEqual(set(statements), {"__default_statement_ID", "partners"})
        added = statements["partners"]
        self.assertEqual(added["Effect"], "Allow")
        self.assertEqual(added["Resource"], arn)
        self.assertEqual(sorted(as_list(added["Principal"]["AWS"])),
                         ["arn:aws:iam::111122223333:root", "arn:aws:iam::444455556666:root"])
        self.assertEqual(sorted(as_list(added["Action"])), ["SNS:Publish", "SNS:Subscribe"])

        with self.assertAwsError(s.INVALID_PARAMETER):
            self.sns.add_permission(TopicArn=arn, Label="partners", AWSAccountId=["111122223333"],
                                    ActionName=["Publish"])
        self.sns.remove_permission(TopicArn=arn, Label="partners")
        self.assertEqual(json.loads(self.topic_attributes(arn)["Policy"]), default_policy(arn))
        with self.assertAwsError(s.NOT_FOUND, status=404):
            self.sns.add_permission(TopicArn=arn + "-missing", Label="x",
                                    AWSAccountId=["111122223333"], ActionName=["Publish"])

    def test_data_protection_policy(self):
        arn = self.create_topic()
        self.assertEqual(self.sns.get_data_protection_policy(ResourceArn=arn)
                         .get("DataProtectionPolicy", ""), "")
        self.sns.put_data_protection_policy(ResourceArn=arn,
                                            DataProtectionPolicy=json.dumps(DATA_PROTECTION_POLICY))
        got = self.sns.get_data_protection_policy(ResourceArn=arn)["DataProtectionPolicy"]
        self.assertEqual(json.loads(got), DATA_PROTECTION_POLICY)
        with self.assertAwsError(s.INVALID_PARAMETER):
            self.sns.put_data_protection_policy(ResourceArn=arn, DataProtectionPolicy="{broken")
        self.assertEqual(json.loads(self.sns.get_data_protection_policy(ResourceArn=arn)
                                    ["DataProtectionPolicy"]), DATA_PROTECTION_POLICY)
        missing = arn + "-missing"
        with self.assertAwsError(s.NOT_FOUND, status=404):
            self.sns.get_data_protection_policy(ResourceArn=missing)
        with self.assertAwsError(s.NOT_FOUND, status=404):
            self.sns.put_data_protection_policy(
                ResourceArn=missing, DataProtectionPolicy=json.dumps(DATA_PROTECTION_POLICY))
        # CreateTopic takes one too
        created = self.sns.create_topic(Name=s.unique("dpp"),
                                        DataProtectionPolicy=json.dumps(DATA_PROTECTION_POLICY))
        self.assertEqual(json.loads(self.sns.get_data_protection_policy(
            ResourceArn=created["TopicArn"])["DataProtectionPolicy"]), DATA_PROTECTION_POLICY)

    def test_delete_topic(self):
        arn = self.create_topic()
        sub, _ = self.subscribe_queue(arn)
        self.sns.delete_topic(TopicArn=arn)
        with self.assertAwsError(s.NOT_FOUND, status=404):
            self.sns.get_topic_attributes(TopicArn=arn)
        with self.assertAwsError(s.NOT_FOUND, status=404):
            self.sns.list_subscriptions_by_topic(TopicArn=arn)
        with self.assertAwsError(s.NOT_FOUND, status=404):
            self.sns.publish(TopicArn=arn, Message="gone")
        self.assertNotIn(arn, [t["TopicArn"] for t in self.sns.list_topics()["Topics"]] +
                         self._more_topics(self.sns))
        # its subscriptions went with it
        self.assertNotIn(sub, [x["SubscriptionArn"] for x in self.all_subscriptions()])
        # deleting a topic that does not exist is no error
        self.sns.delete_topic(TopicArn=arn)
        # the name can be used again, for a topic without the old subscriptions
        self.assertEqual(self.sns.create_topic(Name=arn.split(":")[-1])["TopicArn"], arn)
        self.assertEqual(self.topic_subscriptions(arn), [])


class SubscriptionTest(s.SnsTestCase):

    def test_subscribe_sqs_queue(self):
        topic = self.create_topic()
        queue_url = self.create_queue()
        queue_arn = self.queue_arn(queue_url)
        arn = self.sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn)["SubscriptionArn"]
        self.assertTrue(arn.startswith(topic + ":"), arn)
        self.assertRegex(arn[len(topic) + 1:], s.UUID_RE)

        attributes = self.subscription_attributes(arn)
        expected = {"SubscriptionArn": arn, "TopicArn": topic, "Owner": s.DEFAULT_ACCOUNT,
                    "Protocol": "sqs", "Endpoint": queue_arn, "ConfirmationWasAuthenticated": "true",
                    "PendingConfirmation": "false", "RawMessageDelivery": "false"}
        self.assertEqual({k: attributes.get(k) for k in expected}, expected)
        self.assertNotIn("FilterPolicy", attributes)

        entry = {"SubscriptionArn": arn, "Owner": s.DEFAULT_ACCOUNT, "Protocol": "sqs",
                 "Endpoint": queue_arn, "TopicArn": topic}
        self.assertEqual(self.sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"],
                         [entry])
        self.assertIn(entry, self.all_subscriptions())

    def test_subscribe_is_idempotent(self):
        topic = self.create_topic()
        queue_arn = self.queue_arn(self.create_queue())
        raw = {"RawMessageDelivery": "true"}
        arn = self.sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn,
                                 Attributes=raw)["SubscriptionArn"]
        self.assertEqual(self.sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn,
                                            Attributes=raw)["SubscriptionArn"], arn)
        with self.assertAwsError(s.INVALID_PARAMETER):
            self.sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn,
                               Attributes={"RawMessageDelivery": "false",
                                           "FilterPolicyScope": "MessageBody"})
        self.assertEqual([x["SubscriptionArn"] for x in self.topic_subscriptions(topic)], [arn])
        self.assertEqual(self.subscription_attributes(arn)["RawMessageDelivery"], "true")
        # the same endpoint on another topic is another subscription
        other_topic = self.create_topic()
        other = self.sns.subscribe(TopicArn=other_topic, Protocol="sqs",
                                   Endpoint=queue_arn)["SubscriptionArn"]
        self.assertNotEqual(other, arn)
        self.assertTrue(other.startswith(other_topic + ":"))

    def test_subscribe_again_without_attributes_returns_the_subscription(self):
        """Leaving attributes out, or giving their default values, is no difference."""
        topic = self.create_topic()
        queue_arn = self.queue_arn(self.create_queue())
        arn = self.sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn,
                                 Attributes={"RawMessageDelivery": "true"})["SubscriptionArn"]
        for attributes in [None, {}, {"FilterPolicyScope": "MessageAttributes"},
                           {"RawMessageDelivery": "true", "FilterPolicyScope": "MessageAttributes"}]:
            with self.subTest(attributes=attributes):
                kwargs = {} if attributes is None else {"Attributes": attributes}
                self.assertEqual(self.sns.subscribe(TopicArn=topic, Protocol="sqs",
                                                    Endpoint=queue_arn, **kwargs)["SubscriptionArn"],
                                 arn)
        self.assertEqual([x["SubscriptionArn"] for x in self.topic_subscriptions(topic)], [arn])
        self.assertEqual(self.subscription_attributes(arn)["RawMessageDelivery"], "true")

    def test_subscribe_errors(self):
        topic = self.create_topic()
        queue_url = self.create_queue()
        with self.assertAwsError(s.NOT_FOUND, status=404):
            self.sns.subscribe(TopicArn=topic + "-missing", Protocol="sqs",
                               Endpoint=self.queue_arn(queue_url))
        bad = [
            ("carrier-pigeon", "somewhere"),
            ("sqs", queue_url),                                # a queue URL is no ARN
            ("sqs", "arn:aws:sns:us-east-1:%s:not-a-queue" % s.DEFAULT_ACCOUNT),
            ("sqs", "not-an-arn"),
            ("sqs", self.queue_arn(self.create_fifo_queue())),  # FIFO queue, standard topic
            ("http", "https://example.com/hook"),
            ("https", "http://example.com/hook"),
            ("http", "ftp://example.com/hook"),
            ("lambda", "arn:aws:sqs:us-east-1:%s:not-a-function" % s.DEFAULT_ACCOUNT),
        ]
        for protocol, endpoint in bad:
            with self.subTest(protocol=protocol, endpoint=endpoint):
                with self.assertAwsError(s.INVALID_PARAMETER):
                    self.sns.subscribe(TopicArn=topic, Protocol=protocol, Endpoint=endpoint)
        with self.assertAwsError(s.INVALID_PARAMETER):
            self.sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=self.queue_arn(queue_url),
                               Attributes={"RawMessageDelivery": "wrongvalue"})
        with self.assertAwsError(s.INVALID_PARAMETER):
            self.sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=self.queue_arn(queue_url),
                               Attributes={"NoSuchAttribute": "x"})
        self.assertEqual(self.topic_subscriptions(topic), [])
        # a queue that does not exist (yet) can be subscribed
        ghost = "arn:aws:sqs:us-east-1:%s:%s" % (s.DEFAULT_ACCOUNT, s.unique("ghost"))
        self.assertTrue(self.sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=ghost)
                        ["SubscriptionArn"].startswith(topic + ":"))

    def test_set_subscription_attributes(self):
        topic = self.create_topic()
        arn, _ = self.subscribe_queue(topic)
        dlq_arn = self.queue_arn(self.create_queue())

        def set_attribute(name, value):
            self.sns.set_subscription_attributes(SubscriptionArn=arn, AttributeName=name,
                                                 AttributeValue=value)

        set_attribute("RawMessageDelivery", "true")
        policy = {"color": ["red"], "size": [{"numeric": [">", 0, "<=", 100]}]}
        set_attribute("FilterPolicy", json.dumps(policy))
        set_attribute("RedrivePolicy", json.dumps({"deadLetterTargetArn": dlq_arn}))
        attributes = self.subscription_attributes(arn)
        self.assertEqual(attributes["RawMessageDelivery"], "true")
        self.assertEqual(json.loads(attributes["FilterPolicy"]), policy)
        self.assertEqual(attributes["FilterPolicyScope"], "MessageAttributes")
        self.assertEqual(json.loads(attributes["RedrivePolicy"]), {"deadLetterTargetArn": dlq_arn})

        set_attribute("FilterPolicyScope", "MessageBody")
        self.assertEqual(self.subscription_attributes(arn)["FilterPolicyScope"], "MessageBody")
        set_attribute("FilterPolicyScope", "MessageAttributes")
        # an empty FilterPolicy removes it
        set_attribute("FilterPolicy", "")
        self.assertNotIn("FilterPolicy", self.subscription_attributes(arn))

        for name, value in [("NoSuchAttribute", "x"), ("RawMessageDelivery", "yes"),
                            ("RawMessageDelivery", ""), ("FilterPolicyScope", "RandomValue"),
                            ("RedrivePolicy", "{invalid"),
                            ("RedrivePolicy", json.dumps({"deadLetterTargetArn": "not-an-arn"})),
                            ("FilterPolicy", "{invalid")]:
            with self.subTest(attribute=name, value=value):
                with self.assertAwsError(s.INVALID_PARAMETER):
                    set_attribute(name, value)
        self.assertEqual(self.subscription_attributes(arn)["RawMessageDelivery"], "true")

        missing = s.new_subscription_arn(topic)
        with self.assertAwsError(s.NOT_FOUND, status=404):
            self.sns.set_subscription_attributes(SubscriptionArn=missing,
                                                 AttributeName="RawMessageDelivery",
                                                 AttributeValue="true")
        with self.assertAwsError(s.NOT_FOUND, status=404):
            self.sns.get_subscription_attributes(SubscriptionArn=missing)

    def test_filter_policy_validation(self):
        topic = self.create_topic()
        arn, queue_url = self.subscribe_queue(topic)
        too_complex = {k: ["v%d" % i for i in range(6)] for k in ("a", "b", "c")}  # 216 > 150
        bad_policies = [
            "{invalid",
            "[]",
            json.dumps({"key": "value"}),
            json.dumps({"key": [["value"]]}),
            json.dumps({"key": [{"wrong-operator": True}]}),
            json.dumps({"key": [{"suffix": "value", "prefix": "value2"}]}),
            json.dumps({"key": [{"suffix": 100}]}),
            json.dumps({"key": [{"numeric": []}]}),
            json.dumps({"key": [{"numeric": ["operator"]}]}),
            json.dumps({"key": [{"numeric": ["=", "000"]}]}),
            json.dumps({"key": [{"numeric": ["<", 100, ">", 10]}]}),
            json.dumps({"key": [{"numeric": [">=", 1, ">", 2]}]}),
            json.dumps({"key": [{"numeric": [">", 3, "<", 1]}]}),
            json.dumps({"key": [{"numeric": [">", 20, "<", 30, "<", 50]}]}),
            json.dumps({"key": [{"exists": None}]}),
            json.dumps({"key": [{"exists": "no"}]}),
            json.dumps({"k%d" % i: ["v"] for i in range(6)}),
            json.dumps({"object": {"key": [{"prefix": "auto-"}]}}),  # nested: body scope only
            json.dumps(too_complex),
        ]
        for policy in bad_policies:
            with self.subTest(policy=policy):
                with self.assertAwsError(s.INVALID_PARAMETER):
                    self.sns.set_subscription_attributes(SubscriptionArn=arn,
                                                         AttributeName="FilterPolicy",
                                                         AttributeValue=policy)
                with self.assertAwsError(s.INVALID_PARAMETER):
                    self.sns.subscribe(TopicArn=topic, Protocol="sqs",
                                       Endpoint=self.queue_arn(self.create_queue()),
                                       Attributes={"FilterPolicy": policy})
        self.assertNotIn("FilterPolicy", self.subscription_attributes(arn))
        # nested policies are fine for the message body
        nested = {"object": {"key": [{"prefix": "auto-"}]}}
        self.sns.set_subscription_attributes(SubscriptionArn=arn, AttributeName="FilterPolicyScope",
                                             AttributeValue="MessageBody")
        self.sns.set_subscription_attributes(SubscriptionArn=arn, AttributeName="FilterPolicy",
                                             AttributeValue=json.dumps(nested))
        attributes = self.subscription_attributes(arn)
        self.assertEqual(json.loads(attributes["FilterPolicy"]), nested)
        self.assertEqual(attributes["FilterPolicyScope"], "MessageBody")

    def test_unsubscribe(self):
        topic = self.create_topic()
        arn, _ = self.subscribe_queue(topic)
        self.sns.unsubscribe(SubscriptionArn=arn)
        self.assertEqual(self.topic_subscriptions(topic), [])
        self.assertNotIn(arn, [x["SubscriptionArn"] for x in self.all_subscriptions()])
        with self.assertAwsError(s.NOT_FOUND, status=404):
            self.sns.get_subscription_attributes(SubscriptionArn=arn)
        # unsubscribing again, or from a subscription that never existed, is no error
        self.sns.unsubscribe(SubscriptionArn=arn)
        self.sns.unsubscribe(SubscriptionArn=s.new_subscription_arn(topic))
        for bad in ["not-an-arn", "arn:aws:sns:us-east-1:%s" % s.DEFAULT_ACCOUNT]:
            with self.subTest(arn=bad):
                with self.assertAwsError(s.INVALID_PARAMETER):
                    self.sns.unsubscribe(SubscriptionArn=bad)

    def test_pending_email_subscription(self):
        topic = self.create_topic()
        res = self.sns.subscribe(TopicArn=topic, Protocol="email", Endpoint="someone@example.com")
        self.assertEqual(res["SubscriptionArn"], "pending confirmation")
        listed = self.sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]
        self.assertEqual(listed, [{"SubscriptionArn": "PendingConfirmation",
                                   "Owner": s.DEFAULT_ACCOUNT, "Protocol": "email",
                                   "Endpoint": "someone@example.com", "TopicArn": topic}])
        arn = self.sns.subscribe(TopicArn=topic, Protocol="email", Endpoint="other@example.com",
                                 ReturnSubscriptionArn=True)["SubscriptionArn"]
        self.assertTrue(arn.startswith(topic + ":"), arn)
        attributes = self.subscription_attributes(arn)
        self.assertEqual(attributes["PendingConfirmation"], "true")
        self.assertEqual(attributes["ConfirmationWasAuthenticated"], "false")
        self.assertEqual(attributes["Protocol"], "email")
        # raw delivery is for SQS, HTTP/S and Firehose only
        with self.assertAwsError(s.INVALID_PARAMETER):
            self.sns.set_subscription_attributes(SubscriptionArn=arn,
                                                 AttributeName="RawMessageDelivery",
                                                 AttributeValue="true")
        with self.assertAwsError(s.INVALID_PARAMETER):
            self.sns.confirm_subscription(TopicArn=topic, Token="0" * 64)

    def test_list_subscriptions_pages_by_100(self):
        client = self.server.client("sns", access_key="444455556666")
        topic = self.create_topic(client=client)
        endpoints = {"arn:aws:sqs:us-east-1:444455556666:q-%03d" % i for i in range(105)}
        arns = {client.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=e)["SubscriptionArn"]
                for e in sorted(endpoints)}
        self.assertEqual(len(arns), 105)

        first = client.list_subscriptions_by_topic(TopicArn=topic)
        self.assertEqual(len(first["Subscriptions"]), 100)
        self.assertTrue(first.get("NextToken"))
        second = client.list_subscriptions_by_topic(TopicArn=topic, NextToken=first["NextToken"])
        self.assertEqual(len(second["Subscriptions"]), 5)
        self.assertNotIn("NextToken", second)
        subs = first["Subscriptions"] + second["Subscriptions"]
        self.assertEqual({x["SubscriptionArn"] for x in subs}, arns)
        self.assertEqual({x["Endpoint"] for x in subs}, endpoints)

        first = client.list_subscriptions()
        self.assertEqual(len(first["Subscriptions"]), 100)
        self.assertTrue(first.get("NextToken"))
        second = client.list_subscriptions(NextToken=first["NextToken"])
        self.assertEqual(len(second["Subscriptions"]), 5)
        self.assertNotIn("NextToken", second)
        self.assertEqual({x["SubscriptionArn"] for x in first["Subscriptions"] +
                          second["Subscriptions"]}, arns)

    def test_fifo_subscription_needs_fifo_dead_letter_queue(self):
        topic = self.create_topic(fifo=True)
        queue_arn = self.queue_arn(self.create_fifo_queue())
        standard_dlq = self.queue_arn(self.create_queue())
        with self.assertAwsError(s.INVALID_PARAMETER):
            self.sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn,
                               Attributes={"RedrivePolicy": json.dumps(
                                   {"deadLetterTargetArn": standard_dlq})})
        fifo_dlq = self.queue_arn(self.create_fifo_queue())
        arn = self.sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn,
                                 Attributes={"RedrivePolicy": json.dumps(
                                     {"deadLetterTargetArn": fifo_dlq})})["SubscriptionArn"]
        self.assertEqual(json.loads(self.subscription_attributes(arn)["RedrivePolicy"]),
                         {"deadLetterTargetArn": fifo_dlq})
        # FIFO topics deliver to SQS only
        with self.assertAwsError(s.INVALID_PARAMETER):
            self.sns.subscribe(TopicArn=topic, Protocol="email", Endpoint="a@example.com")


class PublishValidationTest(s.SnsTestCase):

    def test_publish_errors(self):
        topic = self.create_topic()
        with self.assertAwsError(s.NOT_FOUND, status=404):
            self.sns.publish(TopicArn=topic + "-missing", Message="m")
        with self.assertAwsError(s.INVALID_PARAMETER):
            self.sns.publish(TopicArn=topic, Message="")
        for subject in ["", "s" * 101, "two\nlines"]:
            with self.subTest(subject=subject):
                with self.assertAwsError(s.INVALID_PARAMETER):
                    self.sns.publish(TopicArn=topic, Message="m", Subject=subject)
        self.assertTrue(self.sns.publish(TopicArn=topic, Message="m", Subject="s" * 99)["MessageId"])
        # 256 KiB is the limit, message attributes included
        self.assertRegex(self.sns.publish(TopicArn=topic, Message="x" * 262144)["MessageId"],
                         s.UUID_RE)
        with self.assertAwsError(s.INVALID_PARAMETER):
            self.sns.publish(TopicArn=topic, Message="x" * 262145)
        with self.assertAwsError(s.INVALID_PARAMETER):
            self.sns.publish(TopicArn=topic, Message="x" * 262000,
                             MessageAttributes={"big": s.string_attr("y" * 1000)})
        with self.assertAwsError(s.INVALID_PARAMETER):
            self.sns.publish(TopicArn=topic, Message="m", MessageDeduplicationId="dedup")
        for structure_message in ['{"sqs": "no default"}', "{not json"]:
            with self.subTest(message=structure_message):
                with self.assertAwsError(s.INVALID_PARAMETER):
                    self.sns.publish(TopicArn=topic, Message=structure_message,
                                     MessageStructure="json")

    def test_message_attribute_errors(self):
        topic = self.create_topic()
        bad = [
            {"n": s.number_attr("not-a-number")},
            {"s": {"DataType": "String", "StringValue": ""}},
            {"b": {"DataType": "Binary", "BinaryValue": b""}},
            {"t": {"DataType": "Float", "StringValue": "1"}},
            {"bad^name": s.string_attr("v")},
            {".leading": s.string_attr("v")},
            {"trailing.": s.string_attr("v")},
            {"two..dots": s.string_attr("v")},
            {"s": {"DataType": "String", "BinaryValue": b"\x01"}},
            {"n": {"DataType": "Number", "BinaryValue": b"\x01"}},
            {"b": {"DataType": "Binary", "StringValue": "text"}},
        ]
        for attributes in bad:
            with self.subTest(attributes=attributes):
                with self.assertAwsError(s.INVALID_PARAMETER_VALUE):
                    self.sns.publish(TopicArn=topic, Message="m", MessageAttributes=attributes)
        good = {"n": s.number_attr("-1.5"), "s.custom": {"DataType": "String.custom",
                                                          "StringValue": "v"},
                "b": s.binary_attr(b"\x00\x01"), "arr": {"DataType": "String.Array",
                                                        "StringValue": '["a", 1]'}}
        self.assertTrue(self.sns.publish(TopicArn=topic, Message="m", MessageAttributes=good)
                        ["MessageId"])

    def test_publish_batch_rejects_bad_message_attributes(self):
        """A bad message attribute fails the whole PublishBatch request, as Publish."""
        topic = self.create_topic()
        for attributes in [{"s": {"DataType": "String", "StringValue": ""}},
                           {"b": {"DataType": "Binary", "BinaryValue": b""}},
                           {"t": {"DataType": "Float", "StringValue": "1"}}]:
            with self.subTest(attributes=attributes):
                with self.assertAwsError(s.INVALID_PARAMETER_VALUE):
                    self.sns.publish_batch(TopicArn=topic, PublishBatchRequestEntries=[
                        {"Id": "1", "Message": "m", "MessageAttributes": attributes}])

    def test_fifo_publish_errors(self):
        topic = self.create_topic(fifo=True)
        with self.assertAwsError(s.INVALID_PARAMETER):
            self.sns.publish(TopicArn=topic, Message="m", MessageDeduplicationId="d")
        with self.assertAwsError(s.INVALID_PARAMETER):
            self.sns.publish(TopicArn=topic, Message="m", MessageGroupId="g")  # no dedup id
        res = self.sns.publish(TopicArn=topic, Message="m", MessageGroupId="g",
                               MessageDeduplicationId="d")
        self.assertRegex(res["MessageId"], s.UUID_RE)
        self.assertRegex(res["SequenceNumber"], r"^\d+$")

    def test_publish_batch_limits(self):
        topic = self.create_topic()
        with self.assertAwsError("EmptyBatchRequest"):
            self.sns.publish_batch(TopicArn=topic, PublishBatchRequestEntries=[])
        with self.assertAwsError("TooManyEntriesInBatchRequest"):
            self.sns.publish_batch(TopicArn=topic, PublishBatchRequestEntries=[
                {"Id": "e%d" % i, "Message": "m"} for i in range(11)])
        with self.assertAwsError("BatchEntryIdsNotDistinct"):
            self.sns.publish_batch(TopicArn=topic, PublishBatchRequestEntries=[
                {"Id": "same", "Message": "a"}, {"Id": "same", "Message": "b"}])
        for bad_id in ["bad id", "x" * 81, "dot.id"]:
            with self.subTest(id=bad_id):
                with self.assertAwsError("InvalidBatchEntryId"):
                    self.sns.publish_batch(TopicArn=topic, PublishBatchRequestEntries=[
                        {"Id": bad_id, "Message": "m"}])
        with self.assertAwsError("BatchRequestTooLong"):
            self.sns.publish_batch(TopicArn=topic, PublishBatchRequestEntries=[
                {"Id": "a", "Message": "x" * 140000}, {"Id": "b", "Message": "y" * 140000}])
        with self.assertAwsError(s.NOT_FOUND, status=404):
            self.sns.publish_batch(TopicArn=topic + "-missing", PublishBatchRequestEntries=[
                {"Id": "a", "Message": "m"}])

        res = self.sns.publish_batch(TopicArn=topic, PublishBatchRequestEntries=[
            {"Id": "id-%d" % i, "Message": "m%d" % i} for i in range(10)])
        self.assertEqual(res.get("Failed", []), [])
        self.assertEqual(sorted(e["Id"] for e in res["Successful"]),
                         sorted("id-%d" % i for i in range(10)))
        ids = [e["MessageId"] for e in res["Successful"]]
        self.assertEqual(len(set(ids)), 10)
        for message_id in ids:
            self.assertRegex(message_id, s.UUID_RE)

    def test_fifo_publish_batch_without_group_is_rejected(self):
        topic = self.create_topic(fifo=True, ContentBasedDeduplication="true")
        with self.assertAwsError(s.INVALID_PARAMETER):
            self.sns.publish_batch(TopicArn=topic, PublishBatchRequestEntries=[
                {"Id": "1", "Message": "Test message without Group ID"}])
        res = self.sns.publish_batch(TopicArn=topic, PublishBatchRequestEntries=[
            {"Id": str(i), "Message": "m%d" % i, "MessageGroupId": "g"} for i in range(3)])
        self.assertEqual(res.get("Failed", []), [])
        sequence = [int(e["SequenceNumber"]) for e in sorted(res["Successful"],
                                                             key=lambda e: e["Id"])]
        self.assertEqual(sequence, sorted(sequence))
        self.assertEqual(len(set(sequence)), 3)


class RestartTest(s.SnsTestCase):
    """Topics and subscriptions, with their attributes, survive a clean restart."""

    def setUp(self):
        harness.require_restartable()

    def restart(self):
        self.server.stop()  # asserts a clean exit (code 0)
        self.server.start()
        type(self).sns = self.server.client("sns")
        type(self).sqs = self.server.client()

    def test_topics_and_subscriptions_survive_clean_restart(self):
        topic = self.sns.create_topic(
            Name=s.unique("durable"), Attributes={"DisplayName": "Durable", "SignatureVersion": "2"},
            Tags=[{"Key": "keep", "Value": "me"}],
            DataProtectionPolicy=json.dumps(DATA_PROTECTION_POLICY))["TopicArn"]
        self.sns.add_permission(TopicArn=topic, Label="partner", AWSAccountId=["111122223333"],
                                ActionName=["Publish"])
        dlq_arn = self.queue_arn(self.create_queue())
        filtered, filtered_url = self.subscribe_queue(topic, raw=True)
        for name, value in [("FilterPolicyScope", "MessageBody"),
                            ("FilterPolicy", json.dumps({"kind": [{"prefix": "keep"}]})),
                            ("RedrivePolicy", json.dumps({"deadLetterTargetArn": dlq_arn}))]:
            self.sns.set_subscription_attributes(SubscriptionArn=filtered, AttributeName=name,
                                                 AttributeValue=value)
        plain, plain_url = self.subscribe_queue(topic)
        self.sns.subscribe(TopicArn=topic, Protocol="email", Endpoint="later@example.com")
        fifo = self.create_topic(fifo=True, ContentBasedDeduplication="true")
        _, fifo_url = self.subscribe_queue(fifo, fifo=True, raw=True)
        first = self.sns.publish(TopicArn=fifo, Message="before", MessageGroupId="g")
        last = int(first["SequenceNumber"])
        self.sns.publish(TopicArn=topic, Message="before restart")
        before_cert = self.envelopes(plain_url, 1)[0]["SigningCertURL"]
        self.drain(fifo_url)
        self.drain(filtered_url)

        def snapshot():
            return {
                "topic": self.topic_attributes(topic),
                "fifo": self.topic_attributes(fifo),
                "tags": self.sns.list_tags_for_resource(ResourceArn=topic)["Tags"],
                "dpp": self.sns.get_data_protection_policy(ResourceArn=topic)["DataProtectionPolicy"],
                "subscriptions": self.topic_subscriptions(topic),
                "filtered": self.subscription_attributes(filtered),
                "plain": self.subscription_attributes(plain),
            }

        before = snapshot()
        pem = s.get_url(before_cert)[1]

        self.restart()

        after = snapshot()
        self.assertEqual(after, before)
        # deliveries go on as before: filter, raw delivery, signatures with the same key
        self.sns.publish(TopicArn=topic, Message=json.dumps({"kind": "keeper"}))
        self.sns.publish(TopicArn=topic, Message=json.dumps({"kind": "other"}))
        self.assertEqual(self.bodies(filtered_url), [json.dumps({"kind": "keeper"})])
        docs = self.envelopes(plain_url, 2)
        for doc in docs:
            self.assertEqual(doc["SignatureVersion"], "2")
            self.assertEqual(doc["SigningCertURL"], before_cert)
            self.assertSignatureValid(doc)
        self.assertEqual(s.get_url(before_cert)[1], pem)
        # FIFO sequence numbers keep growing
        after_seq = int(self.sns.publish(TopicArn=fifo, Message="after", MessageGroupId="g")
                        ["SequenceNumber"])
        self.assertGreater(after_seq, last)
        # a duplicate within the 5-minute window is still known: same ids, not delivered again
        again = self.sns.publish(TopicArn=fifo, Message="before", MessageGroupId="g")
        self.assertEqual((again["MessageId"], again["SequenceNumber"]),
                         (first["MessageId"], first["SequenceNumber"]))
        self.assertEqual([m["Body"] for m in self.receive_all(fifo_url, 1)], ["after"])


if __name__ == "__main__":
    unittest.main()
