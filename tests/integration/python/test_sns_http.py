"""SNS to HTTP endpoints: an HTTP server inside the test receives the subscription
confirmation, confirms it through SubscribeURL, then receives signed notifications.
Failed deliveries are retried by the subscription's DeliveryPolicy, end in its
dead-letter queue, and survive a restart of the server."""

import json
import re
import time
import unittest
import urllib.parse

try:
    from . import harness
    from . import sns_helpers as s
except ImportError:
    import harness
    import sns_helpers as s

CONTENT_TYPE = "text/plain; charset=UTF-8"
USER_AGENT = "Amazon Simple Notification Service Agent"


class HttpTestCase(s.SnsTestCase):

    def start_subscriber(self, **kwargs):
        subscriber = s.Subscriber(**kwargs).start()
        self.addCleanup(subscriber.stop)
        return subscriber

    def assertSnsHeaders(self, request, message_type, message_id, topic_arn, subscription_arn=None):
        headers = request["headers"]
        self.assertEqual(headers.get("x-amz-sns-message-type"), message_type, headers)
        self.assertEqual(headers.get("x-amz-sns-message-id"), message_id, headers)
        self.assertEqual(headers.get("x-amz-sns-topic-arn"), topic_arn, headers)
        if subscription_arn is not None:
            self.assertEqual(headers.get("x-amz-sns-subscription-arn"), subscription_arn, headers)
        self.assertEqual(headers.get("content-type"), CONTENT_TYPE, headers)
        self.assertEqual(headers.get("user-agent"), USER_AGENT, headers)

    def receive_confirmation(self, subscriber, topic_arn):
        """The SubscriptionConfirmation request, checked field by field."""
        request, doc = subscriber.next_json()
        self.assertEqual(request["path"], "/sns/endpoint")
        self.assertSnsHeaders(request, "SubscriptionConfirmation", doc.get("MessageId"), topic_arn)
        self.assertEqual(set(doc), s.CONFIRMATION_FIELDS, doc)
        self.assertEqual(doc["Type"], "SubscriptionConfirmation")
        self.assertRegex(doc["MessageId"], s.UUID_RE)
        self.assertEqual(doc["TopicArn"], topic_arn)
        self.assertTrue(doc["Token"])
        self.assertEqual(doc["Message"],
                         "You have chosen to subscribe to the topic %s.\nTo confirm the "
                         "subscription, visit the SubscribeURL included in this message." % topic_arn)
        url = urllib.parse.urlparse(doc["SubscribeURL"])
        self.assertEqual(urllib.parse.parse_qs(url.query),
                         {"Action": ["ConfirmSubscription"], "TopicArn": [topic_arn],
                          "Token": [doc["Token"]]})
        self.assertRecentTimestamp(doc["Timestamp"])
        self.assertSignatureValid(doc)
        return doc

    def confirm_by_url(self, doc):
        status, body = s.get_url(doc["SubscribeURL"])
        self.assertEqual(status, 200, body)
        match = re.search(rb"<SubscriptionArn>([^<]+)</SubscriptionArn>", body)
        self.assertIsNotNone(match, body)
        return match.group(1).decode()

    def http_subscription(self, topic_arn, subscriber, **attributes):
        """Subscribe the endpoint, check the confirmation and confirm; returns the ARN."""
        kwargs = {"TopicArn": topic_arn, "Protocol": "https" if subscriber.tls else "http",
                  "Endpoint": subscriber.url}
        if attributes:
            kwargs["Attributes"] = attributes
        self.assertEqual(self.sns.subscribe(**kwargs)["SubscriptionArn"], "pending confirmation")
        arn = self.confirm_by_url(self.receive_confirmation(subscriber, topic_arn))
        self.assertTrue(arn.startswith(topic_arn + ":"), arn)
        return arn

    def receive_notification(self, subscriber, topic_arn, subscription_arn, message_id, message,
                             timeout=5.0, **expected):
        request, doc = subscriber.next_json(timeout)
        self.assertSnsHeaders(request, "Notification", message_id, topic_arn, subscription_arn)
        self.assertNotificationEnvelope(doc, topic_arn, message_id, message, subscription_arn,
                                        **expected)
        return request, doc


class HttpSubscriptionTest(HttpTestCase):

    def test_confirmation_by_subscribe_url(self):
        subscriber = self.start_subscriber()
        topic = self.create_topic()
        self.assertEqual(self.sns.subscribe(TopicArn=topic, Protocol="http",
                                            Endpoint=subscriber.url)["SubscriptionArn"],
                         "pending confirmation")
        doc = self.receive_confirmation(subscriber, topic)
        self.assertEqual(self.sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"],
                         [{"SubscriptionArn": "PendingConfirmation", "Owner": s.DEFAULT_ACCOUNT,
                           "Protocol": "http", "Endpoint": subscriber.url, "TopicArn": topic}])
        # nothing is delivered before the confirmation
        self.sns.publish(TopicArn=topic, Message="too early")
        subscriber.assertNothing(self, wait=0.5)

        arn = self.confirm_by_url(doc)
        self.assertTrue(arn.startswith(topic + ":"), arn)
        self.assertEqual(self.sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"],
                         [{"SubscriptionArn": arn, "Owner": s.DEFAULT_ACCOUNT, "Protocol": "http",
                           "Endpoint": subscriber.url, "TopicArn": topic}])
        attributes = self.subscription_attributes(arn)
        self.assertEqual(attributes["PendingConfirmation"], "false")
        self.assertEqual(attributes["Protocol"], "http")
        self.assertEqual(attributes["Endpoint"], subscriber.url)

    def test_https_endpoint(self):
        # A local endpoint with a self-signed certificate: the confirmation and the
        # notifications arrive over TLS, signed as over plain HTTP.
        subscriber = self.start_subscriber(tls=True)
        topic = self.create_topic()
        arn = self.http_subscription(topic, subscriber)
        self.assertEqual(self.subscription_attributes(arn)["Protocol"], "https")
        message_id = self.sns.publish(TopicArn=topic, Message="over tls", Subject="tls")["MessageId"]
        _, doc = self.receive_notification(subscriber, topic, arn, message_id, "over tls", subject="tls")
        self.assertSignatureValid(doc)

    def test_confirmation_by_api(self):
        subscriber = self.start_subscriber()
        topic = self.create_topic()
        pending = self.sns.subscribe(TopicArn=topic, Protocol="http", Endpoint=subscriber.url,
                                     ReturnSubscriptionArn=True)["SubscriptionArn"]
        self.assertTrue(pending.startswith(topic + ":"), pending)
        attributes = self.subscription_attributes(pending)
        self.assertEqual(attributes["PendingConfirmation"], "true")
        self.assertEqual(attributes["ConfirmationWasAuthenticated"], "false")
        doc = self.receive_confirmation(subscriber, topic)
        with self.assertAwsError(s.INVALID_PARAMETER):
            self.sns.confirm_subscription(TopicArn=topic, Token="0" * len(doc["Token"]))
        arn = self.sns.confirm_subscription(TopicArn=topic, Token=doc["Token"])["SubscriptionArn"]
        self.assertEqual(arn, pending)
        self.assertEqual(self.subscription_attributes(arn)["PendingConfirmation"], "false")
        message_id = self.sns.publish(TopicArn=topic, Message="confirmed by API")["MessageId"]
        self.receive_notification(subscriber, topic, arn, message_id, "confirmed by API")

    def test_notifications(self):
        subscriber = self.start_subscriber()
        topic = self.create_topic()
        arn = self.http_subscription(topic, subscriber)
        attributes = {"color": s.string_attr("red"), "n": s.number_attr("7"),
                      "bin": s.binary_attr(b"\x01\x02")}
        message_id = self.sns.publish(TopicArn=topic, Message="with subject", Subject="Hello",
                                      MessageAttributes=attributes)["MessageId"]
        self.receive_notification(subscriber, topic, arn, message_id, "with subject",
                                  subject="Hello",
                                  attributes={"color": {"Type": "String", "Value": "red"},
                                              "n": {"Type": "Number", "Value": "7"},
                                              "bin": {"Type": "Binary", "Value": "AQI="}})
        message_id = self.sns.publish(TopicArn=topic, Message="no subject")["MessageId"]
        self.receive_notification(subscriber, topic, arn, message_id, "no subject")
        # MessageStructure: the "http" text for HTTP endpoints
        message_id = self.sns.publish(TopicArn=topic, MessageStructure="json", Message=json.dumps(
            {"default": "default text", "http": "web text", "https": "secure text"}))["MessageId"]
        self.receive_notification(subscriber, topic, arn, message_id, "web text")
        subscriber.assertNothing(self, wait=0.3)

    def test_signature_version_2(self):
        subscriber = self.start_subscriber()
        topic = self.create_topic(SignatureVersion="2")
        arn = self.http_subscription(topic, subscriber)
        message_id = self.sns.publish(TopicArn=topic, Message="sha256", Subject="v2")["MessageId"]
        _, doc = self.receive_notification(subscriber, topic, arn, message_id, "sha256",
                                           subject="v2")
        self.assertEqual(doc["SignatureVersion"], "2")

    def test_raw_delivery(self):
        subscriber = self.start_subscriber()
        topic = self.create_topic()
        arn = self.http_subscription(topic, subscriber, RawMessageDelivery="true")
        message_id = self.sns.publish(TopicArn=topic, Message="raw http body", Subject="ignored",
                                      MessageAttributes={"a": s.string_attr("b")})["MessageId"]
        request = subscriber.next()
        self.assertEqual(request["body"], "raw http body")
        self.assertSnsHeaders(request, "Notification", message_id, topic, arn)
        self.assertEqual(request["headers"].get("x-amz-sns-rawdelivery"), "true")

    def test_unsubscribe_url(self):
        subscriber = self.start_subscriber()
        topic = self.create_topic()
        arn = self.http_subscription(topic, subscriber)
        message_id = self.sns.publish(TopicArn=topic, Message="before")["MessageId"]
        _, doc = self.receive_notification(subscriber, topic, arn, message_id, "before")
        status, body = s.get_url(doc["UnsubscribeURL"])
        self.assertEqual(status, 200, body)
        self.assertEqual(self.topic_subscriptions(topic), [])

    def test_unsubscribe_sends_an_unsubscribe_confirmation(self):
        subscriber = self.start_subscriber()
        topic = self.create_topic()
        arn = self.http_subscription(topic, subscriber)
        self.sns.unsubscribe(SubscriptionArn=arn)
        request, doc = subscriber.next_json(timeout=3)
        self.assertSnsHeaders(request, "UnsubscribeConfirmation", doc.get("MessageId"), topic, arn)
        self.assertEqual(set(doc), s.CONFIRMATION_FIELDS, doc)
        self.assertEqual(doc["Type"], "UnsubscribeConfirmation")
        self.assertEqual(doc["TopicArn"], topic)
        self.assertEqual(doc["Message"],
                         "You have chosen to deactivate subscription %s.\nTo cancel this operation "
                         "and restore the subscription, visit the SubscribeURL included in this "
                         "message." % arn)
        self.assertSignatureValid(doc)

    def test_effective_delivery_policy_of_subscription(self):
        subscriber = self.start_subscriber()
        topic = self.create_topic()
        arn = self.http_subscription(topic, subscriber, DeliveryPolicy=s.fast_retry_policy(2))
        effective = json.loads(self.subscription_attributes(arn)["EffectiveDeliveryPolicy"])
        healthy = effective["healthyRetryPolicy"]
        self.assertEqual({k: healthy[k] for k in ("numRetries", "minDelayTarget", "maxDelayTarget")},
                         {"numRetries": 2, "minDelayTarget": 1, "maxDelayTarget": 1})


class HttpRetryTest(HttpTestCase):

    def test_retry_after_server_error(self):
        subscriber = self.start_subscriber()
        topic = self.create_topic()
        arn = self.http_subscription(topic, subscriber, DeliveryPolicy=s.fast_retry_policy(2))
        subscriber.statuses = [500]
        message_id = self.sns.publish(TopicArn=topic, Message="retry me")["MessageId"]
        first, first_doc = self.receive_notification(subscriber, topic, arn, message_id, "retry me")
        first_at = time.monotonic()
        self.assertEqual(first["status"], 500)
        second, second_doc = self.receive_notification(subscriber, topic, arn, message_id,
                                                       "retry me", timeout=5)
        self.assertGreater(time.monotonic() - first_at, 0.5)  # minDelayTarget is 1 s
        self.assertEqual(second["status"], 200)
        self.assertEqual(second_doc["Timestamp"], first_doc["Timestamp"])
        # delivered: no more attempts
        subscriber.assertNothing(self, wait=1.2)

    def test_dead_letter_queue_after_retries(self):
        subscriber = self.start_subscriber()
        topic = self.create_topic()
        dlq = self.create_queue()
        arn = self.http_subscription(
            topic, subscriber, DeliveryPolicy=s.fast_retry_policy(1),
            RedrivePolicy=json.dumps({"deadLetterTargetArn": self.queue_arn(dlq)}))
        subscriber.default_status = 500
        message_id = self.sns.publish(TopicArn=topic, Message="doomed",
                                      MessageAttributes={"k": s.string_attr("v")})["MessageId"]
        attempts = [subscriber.next(timeout=5), subscriber.next(timeout=5)]
        self.assertEqual([r["headers"]["x-amz-sns-message-id"] for r in attempts], [message_id] * 2)
        received = self.drain(dlq, expected=1, timeout=8)
        self.assertEqual(len(received), 1)
        doc = json.loads(received[0]["Body"])
        self.assertEqual(doc["Type"], "Notification")
        self.assertEqual(doc["MessageId"], message_id)
        self.assertEqual(doc["TopicArn"], topic)
        self.assertEqual(doc["Message"], "doomed")
        self.assertEqual(doc["MessageAttributes"], {"k": {"Type": "String", "Value": "v"}})
        # numRetries 1: two attempts, then no more
        subscriber.assertNothing(self, wait=1.2)

    def test_unreachable_endpoint_goes_to_dead_letter_queue(self):
        subscriber = self.start_subscriber()
        topic = self.create_topic()
        dlq = self.create_queue()
        self.http_subscription(topic, subscriber, DeliveryPolicy=s.fast_retry_policy(1),
                               RedrivePolicy=json.dumps({"deadLetterTargetArn": self.queue_arn(dlq)}))
        subscriber.stop()  # nobody listens on the port any more
        message_id = self.sns.publish(TopicArn=topic, Message="nobody home")["MessageId"]
        received = self.drain(dlq, expected=1, timeout=8)
        self.assertEqual([json.loads(m["Body"])["MessageId"] for m in received], [message_id])


class HttpRestartTest(HttpTestCase):

    def setUp(self):
        harness.require_restartable()

    def test_pending_delivery_survives_restart(self):
        subscriber = self.start_subscriber()
        port = subscriber.port
        topic = self.create_topic()
        arn = self.http_subscription(topic, subscriber, DeliveryPolicy=s.fast_retry_policy(10))
        subscriber.stop()
        message_id = self.sns.publish(TopicArn=topic, Message="survives a restart",
                                      Subject="Durable")["MessageId"]
        time.sleep(0.3)  # the first attempt finds nobody listening

        self.server.stop()  # asserts a clean exit
        subscriber = self.start_subscriber(port=port)
        self.server.start()
        type(self).sns = self.server.client("sns")
        type(self).sqs = self.server.client()

        self.receive_notification(subscriber, topic, arn, message_id, "survives a restart",
                                  timeout=10, subject="Durable")
        self.assertEqual(self.subscription_attributes(arn)["PendingConfirmation"], "false")


if __name__ == "__main__":
    unittest.main()
