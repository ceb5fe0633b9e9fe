"""DynamoDB UpdateTable and time to live: billing mode switches (PAY_PER_REQUEST <->
PROVISIONED, with every index's throughput), ProvisionedThroughput changes and their
increase/decrease bookkeeping, streams enabled and disabled (a new stream each time, the
old one DISABLED), global secondary indexes created on a table that already has items
(backfilled: queryable once ACTIVE, items whose key attribute is missing or of another
type left out), deleted (their unused attribute definitions pruned) and updated, table
class, deletion protection, the "one kind of change per call" rules, the errors, and
changes surviving a restart; then UpdateTimeToLive/DescribeTimeToLive and items really
expiring: from the table, its local and global secondary indexes and, on a table with a
stream, as REMOVE records made by the service; and the AWS CLI v2.

What is asserted is what DynamoDB does. Sources: the API reference (UpdateTable,
UpdateTimeToLive, DescribeTimeToLive, TableDescription, ProvisionedThroughputDescription,
GlobalSecondaryIndexDescription, BillingModeSummary, TableClassSummary), the developer
guide ("Time to Live (TTL)", "DynamoDB Streams and Time to Live", "Managing global
secondary indexes"), ScyllaDB's test/alternator/test_gsi_updatetable.py, test_ttl.py and
test_streams.py (suites run against real DynamoDB: backfill skips items of the wrong
type, 'already exists', 'Attributes cannot be redefined', LimitExceededException for two
index creations, the five-year rule, number formats of the TTL attribute, the stream
record of an expiry), and error texts DynamoDB returned in public issues and probe logs
("Table already has an enabled stream: TableName: X", "Table has no stream to disable:
TableName: X", "The provisioned throughput for the table will not change. ...", "If
stream is being enabled then UpdateViewType is required", "... must be the only
operation in the request", "TimeToLive is active on a different AttributeName: ...").
Where no exact text could be confirmed only the code and a sure part are asserted.

Timing. UpdateTable is asynchronous in DynamoDB: the answer says UPDATING (a new index
CREATING, not yet backfilling), and a table is ready when TableStatus and every IndexStatus
are ACTIVE again, which can take from seconds (stream, throughput) to minutes (a billing
switch, an index backfill). The tests poll DescribeTable for that (`WAIT_SECONDS`); Stratus
is ready at once. DynamoDB also refuses a second UpdateTable while one is in progress and
a second deletion protection toggle within 15 s, which is why the tests wait and retry
where AWS would make them.

Time to live. DynamoDB deletes expired items in the background "typically within two
days"; Stratus sweeps every second, so the expiry tests poll for up to `TTL_SECONDS` (10 s)
rather than sleeping. A test that something is NOT deleted waits until an expired item
put after it (on a TTL-enabled table) is gone, so a sweep has certainly passed over it.
DynamoDB refuses a second UpdateTimeToLive within about an hour ("Time to live has been
modified multiple times within a fixed interval"); the test that disables TTL skips itself
on that answer. DescribeTable's ItemCount is only refreshed about every six hours in
DynamoDB, so expiries are checked with reads and scans, not with ItemCount."""

import datetime
import json
import re
import time
import unittest

from botocore.exceptions import ClientError

try:
    from . import harness
    from .dynamodb_helpers import unique, S, N, keys, definitions
except ImportError:  # run with the test directory itself as the top level
    import harness
    from dynamodb_helpers import unique, S, N, keys, definitions


WAIT_SECONDS = 30
TTL_SECONDS = 10
STREAM_LABEL = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}$")
SERVICE_IDENTITY = {"Type": "Service", "PrincipalId": "dynamodb.amazonaws.com"}
YEAR = 365 * 24 * 3600


def by_name(attribute_definitions):
    """AttributeDefinitions as a sorted list (DynamoDB may return them in another order)."""
    return sorted(attribute_definitions, key=lambda d: d["AttributeName"])


def create_index(name, *key_pairs, projection=None):
    return {"Create": {"IndexName": name, "KeySchema": keys(*key_pairs),
                       "Projection": projection or {"ProjectionType": "ALL"}}}


class UpdateTableTestCase(harness.ServerTestCase):
    """A `ddb` client (and `unchecked`, without botocore's parameter validation, for the
    server's own checks), a `streams` client, and helpers."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.make_clients()

    @classmethod
    def make_clients(cls):
        cls.ddb = cls.server.client("dynamodb")
        cls.unchecked = cls.server.client("dynamodb", parameter_validation=False)
        cls.streams = cls.server.client("dynamodbstreams")

    def has_member(self, operation, member):
        return member in self.ddb.meta.service_model.operation_model(operation).input_shape.members

    def create_table(self, key_pairs=(("pk", "S"),), attributes=(), name=None, billing="PAY_PER_REQUEST",
                     throughput=None, **kwargs):
        """A table keyed on `key_pairs` ((name, type), HASH then RANGE), waited for; returns its name."""
        name = name or unique("ut")
        kinds = ("HASH", "RANGE")
        args = dict(TableName=name, BillingMode=billing,
                    KeySchema=keys(*[(n, kinds[i]) for i, (n, _) in enumerate(key_pairs)]),
                    AttributeDefinitions=definitions(*(tuple(key_pairs) + tuple(attributes))), **kwargs)
        if throughput:
            args["ProvisionedThroughput"] = {"ReadCapacityUnits": throughput[0], "WriteCapacityUnits": throughput[1]}
        self.ddb.create_table(**args)
        self.wait_active(name)
        return name

    def describe(self, name):
        return self.ddb.describe_table(TableName=name)["Table"]

    def wait_active(self, name, timeout=WAIT_SECONDS):
        """DescribeTable until the table and every global secondary index are ACTIVE
        (a table reads ACTIVE again while a new index is still backfilling)."""
        deadline = time.monotonic() + timeout
        while True:
            d = self.describe(name)
            statuses = [d["TableStatus"]] + [g["IndexStatus"] for g in d.get("GlobalSecondaryIndexes", [])]
            if all(s == "ACTIVE" for s in statuses):
                return d
            if time.monotonic() > deadline:
                self.fail("table %s not ACTIVE after %s s: %s" % (name, timeout, statuses))
            time.sleep(0.5)

    def wait_index_gone(self, name, index, timeout=WAIT_SECONDS):
        deadline = time.monotonic() + timeout
        while True:
            d = self.describe(name)
            listed = [g for g in d.get("GlobalSecondaryIndexes", []) if g["IndexName"] == index]
            if not listed and d["TableStatus"] == "ACTIVE":
                return d
            if time.monotonic() > deadline:
                self.fail("index %s of %s still listed after %s s: %s" % (index, name, timeout, listed))
            self.assertEqual([g["IndexStatus"] for g in listed], ["DELETING"] * len(listed))
            time.sleep(0.5)

    def update(self, name, **kwargs):
        """UpdateTable, then wait for ACTIVE; returns the UpdateTable answer's description."""
        answer = self.ddb.update_table(TableName=name, **kwargs)["TableDescription"]
        self.wait_active(name)
        return answer

    def assertError(self, code, message, call, exact=False, **kwargs):
        """`call(**kwargs)` fails with `code` (HTTP 400) and a message containing (or, with
        `exact`, equal to) `message`."""
        with self.assertRaises(ClientError) as cm:
            call(**kwargs)
        response = cm.exception.response
        self.assertEqual(response["Error"]["Code"], code, response)
        if message is not None:
            text = response["Error"].get("Message", "")
            if exact:
                self.assertEqual(text, message)
            else:
                self.assertIn(message, text)
        self.assertEqual(response["ResponseMetadata"]["HTTPStatusCode"], 400)
        return response["Error"].get("Message", "")

    def eventually(self, probe, what, timeout=TTL_SECONDS, interval=0.2):
        """Calls `probe` until it returns something truthy (returned), failing after `timeout` s."""
        deadline = time.monotonic() + timeout
        while True:
            result = probe()
            if result:
                return result
            if time.monotonic() > deadline:
                self.fail("%s: not within %s s" % (what, timeout))
            time.sleep(interval)

    def get(self, table, key):
        return self.ddb.get_item(TableName=table, Key=key, ConsistentRead=True).get("Item")

    def put_all(self, table, items):
        for item in items:
            self.ddb.put_item(TableName=table, Item=item)

    def scan_all(self, table, **kwargs):
        items, start = [], {}
        while True:
            page = self.ddb.scan(TableName=table, **kwargs, **start)
            items += page["Items"]
            if "LastEvaluatedKey" not in page:
                return items
            start = {"ExclusiveStartKey": page["LastEvaluatedKey"]}

    def query_index(self, table, index, condition, values):
        return self.ddb.query(TableName=table, IndexName=index, KeyConditionExpression=condition,
                              ExpressionAttributeValues=values)["Items"]

    def wait_stream_status(self, arn, status, timeout=WAIT_SECONDS):
        """DescribeStream until StreamStatus is `status` (ENABLING / DISABLING on the way)."""
        deadline = time.monotonic() + timeout
        while True:
            d = self.streams.describe_stream(StreamArn=arn)["StreamDescription"]
            if d["StreamStatus"] == status:
                return d
            if time.monotonic() > deadline:
                self.fail("stream %s is %s, not %s" % (arn, d["StreamStatus"], status))
            time.sleep(0.5)

    def stream_records(self, arn):
        """Every record of the stream's single shard so far."""
        [shard] = self.streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]
        iterator = self.streams.get_shard_iterator(StreamArn=arn, ShardId=shard["ShardId"],
                                                   ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
        records = []
        for _ in range(100):
            page = self.streams.get_records(ShardIterator=iterator)
            records += page["Records"]
            iterator = page.get("NextShardIterator")
            if not iterator or not page["Records"]:
                return records
        self.fail("GetRecords never caught up")

    def assertRecent(self, moment, seconds=300):
        now = datetime.datetime.now(datetime.timezone.utc)
        self.assertIsInstance(moment, datetime.datetime)
        self.assertLess(abs((now - moment).total_seconds()), seconds, moment)


class DynamoDbUpdateTableTest(UpdateTableTestCase):

    # -- billing mode and provisioned throughput ------------------------------------

    def test_switching_billing_mode_needs_throughput_for_the_table_and_every_index(self):
        name = self.create_table(attributes=(("g", "S"),), GlobalSecondaryIndexes=[
            {"IndexName": "byG", "KeySchema": keys(("g", "HASH")), "Projection": {"ProjectionType": "ALL"}}])
        before = self.describe(name)
        with self.subTest("an on-demand index takes no throughput of its own"):
            self.assertError("ValidationException", "PAY_PER_REQUEST", self.ddb.update_table, TableName=name,
                             GlobalSecondaryIndexUpdates=[{"Update": {"IndexName": "byG", "ProvisionedThroughput": {
                                 "ReadCapacityUnits": 1, "WriteCapacityUnits": 1}}}])
        with self.subTest("to PROVISIONED, the table's throughput alone is not enough while it has an index"):
            self.assertError("ValidationException",
                             "One or more parameter values were invalid: ProvisionedThroughput must be specified for "
                             "index: byG", self.ddb.update_table, exact=True, TableName=name, BillingMode="PROVISIONED",
                             ProvisionedThroughput={"ReadCapacityUnits": 3, "WriteCapacityUnits": 4})
        self.assertEqual(self.describe(name)["BillingModeSummary"]["BillingMode"], "PAY_PER_REQUEST")

        answer = self.ddb.update_table(
            TableName=name, BillingMode="PROVISIONED",
            ProvisionedThroughput={"ReadCapacityUnits": 3, "WriteCapacityUnits": 4},
            GlobalSecondaryIndexUpdates=[{"Update": {"IndexName": "byG", "ProvisionedThroughput": {
                "ReadCapacityUnits": 1, "WriteCapacityUnits": 2}}}])["TableDescription"]
        self.assertEqual(answer["TableStatus"], "UPDATING")
        self.assertEqual(answer["TableName"], name)
        d = self.wait_active(name)
        self.assertEqual((d["TableId"], d["CreationDateTime"]), (before["TableId"], before["CreationDateTime"]))
        self.assertEqual((d["ProvisionedThroughput"]["ReadCapacityUnits"],
                          d["ProvisionedThroughput"]["WriteCapacityUnits"]), (3, 4))
        if "BillingModeSummary" in d:  # PROVISIONED is the default and may be left out
            self.assertEqual(d["BillingModeSummary"]["BillingMode"], "PROVISIONED")
        [gsi] = d["GlobalSecondaryIndexes"]
        self.assertEqual((gsi["ProvisionedThroughput"]["ReadCapacityUnits"],
                          gsi["ProvisionedThroughput"]["WriteCapacityUnits"]), (1, 2))

        # and back: on-demand again, no throughput anywhere, the switch's time recorded
        switched = datetime.datetime.now(datetime.timezone.utc)
        self.update(name, BillingMode="PAY_PER_REQUEST")
        d = self.describe(name)
        self.assertEqual(d["BillingModeSummary"]["BillingMode"], "PAY_PER_REQUEST")
        self.assertRecent(d["BillingModeSummary"]["LastUpdateToPayPerRequestDateTime"])
        self.assertGreater(d["BillingModeSummary"]["LastUpdateToPayPerRequestDateTime"],
                           switched - datetime.timedelta(seconds=60))
        self.assertEqual((d["ProvisionedThroughput"]["ReadCapacityUnits"],
                          d["ProvisionedThroughput"]["WriteCapacityUnits"]), (0, 0))
        [gsi] = d["GlobalSecondaryIndexes"]
        self.assertEqual((gsi["ProvisionedThroughput"]["ReadCapacityUnits"],
                          gsi["ProvisionedThroughput"]["WriteCapacityUnits"]), (0, 0))
        # items and the index work throughout
        self.ddb.put_item(TableName=name, Item={"pk": S("a"), "g": S("x")})
        self.assertEqual(self.eventually(lambda: self.query_index(name, "byG", "g = :g", {":g": S("x")}),
                                         "the item in the index"), [{"pk": S("a"), "g": S("x")}])

    def test_throughput_increases_and_decreases_are_recorded(self):
        name = self.create_table(billing="PROVISIONED", throughput=(5, 5))
        d = self.describe(name)["ProvisionedThroughput"]
        self.assertEqual(d["NumberOfDecreasesToday"], 0)
        self.assertNotIn("LastIncreaseDateTime", d)
        self.assertNotIn("LastDecreaseDateTime", d)

        answer = self.ddb.update_table(TableName=name, ProvisionedThroughput={"ReadCapacityUnits": 10,
                                                                              "WriteCapacityUnits": 5})
        self.assertEqual(answer["TableDescription"]["TableStatus"], "UPDATING")
        self.wait_active(name)
        d = self.describe(name)["ProvisionedThroughput"]
        self.assertEqual((d["ReadCapacityUnits"], d["WriteCapacityUnits"]), (10, 5))
        self.assertEqual(d["NumberOfDecreasesToday"], 0)
        with self.subTest("LastIncreaseDateTime"):
            self.assertRecent(d.get("LastIncreaseDateTime"))

        self.update(name, ProvisionedThroughput={"ReadCapacityUnits": 10, "WriteCapacityUnits": 2})
        d = self.describe(name)["ProvisionedThroughput"]
        self.assertEqual((d["ReadCapacityUnits"], d["WriteCapacityUnits"]), (10, 2))
        with self.subTest("LastDecreaseDateTime and NumberOfDecreasesToday"):
            self.assertRecent(d.get("LastDecreaseDateTime"))
            self.assertEqual(d["NumberOfDecreasesToday"], 1)

        with self.subTest("the same values again are no change, and DynamoDB says so"):
            self.assertError(
                "ValidationException",
                "The provisioned throughput for the table will not change. The requested value equals the current "
                "value. Current ReadCapacityUnits provisioned for the table: 10. Requested ReadCapacityUnits: 10. "
                "Current WriteCapacityUnits provisioned for the table: 2. Requested WriteCapacityUnits: 2. Refer to the "
                "Amazon DynamoDB Developer Guide for current limits and how to request higher limits.",
                self.ddb.update_table, exact=True, TableName=name,
                ProvisionedThroughput={"ReadCapacityUnits": 10, "WriteCapacityUnits": 2})

    def test_index_throughput_updates(self):
        name = self.create_table(
            attributes=(("g", "S"),), billing="PROVISIONED", throughput=(2, 2),
            GlobalSecondaryIndexes=[{"IndexName": "byG", "KeySchema": keys(("g", "HASH")),
                                     "Projection": {"ProjectionType": "KEYS_ONLY"},
                                     "ProvisionedThroughput": {"ReadCapacityUnits": 1, "WriteCapacityUnits": 1}}])
        self.update(name, GlobalSecondaryIndexUpdates=[{"Update": {"IndexName": "byG", "ProvisionedThroughput": {
            "ReadCapacityUnits": 4, "WriteCapacityUnits": 3}}}])
        d = self.describe(name)
        [gsi] = d["GlobalSecondaryIndexes"]
        self.assertEqual((gsi["ProvisionedThroughput"]["ReadCapacityUnits"],
                          gsi["ProvisionedThroughput"]["WriteCapacityUnits"]), (4, 3))
        self.assertEqual(gsi["IndexStatus"], "ACTIVE")
        # the table's own throughput is untouched
        self.assertEqual((d["ProvisionedThroughput"]["ReadCapacityUnits"],
                          d["ProvisionedThroughput"]["WriteCapacityUnits"]), (2, 2))
        with self.subTest("the same values again"):
            self.assertError("ValidationException", "The provisioned throughput for the index byG will not change.",
                             self.ddb.update_table, TableName=name,
                             GlobalSecondaryIndexUpdates=[{"Update": {"IndexName": "byG", "ProvisionedThroughput": {
                                 "ReadCapacityUnits": 4, "WriteCapacityUnits": 3}}}])
        with self.subTest("an unknown index"):
            self.assertError("ResourceNotFoundException",
                             "Requested resource not found: Index ghost for table %s" % name,
                             self.ddb.update_table, exact=True, TableName=name,
                             GlobalSecondaryIndexUpdates=[{"Update": {"IndexName": "ghost", "ProvisionedThroughput": {
                                 "ReadCapacityUnits": 1, "WriteCapacityUnits": 1}}}])

    def test_update_errors(self):
        name = self.create_table()
        with self.subTest("no change at all"):
            message = self.assertError("ValidationException", None, self.ddb.update_table, TableName=name)
            self.assertTrue(message.startswith("At least one of ProvisionedThroughput, BillingMode, "
                                               "UpdateStreamEnabled, GlobalSecondaryIndexUpdates"), message)
        with self.subTest("an empty GlobalSecondaryIndexUpdates"):
            self.assertError("ValidationException", None, self.ddb.update_table, TableName=name,
                             GlobalSecondaryIndexUpdates=[])
        with self.subTest("throughput on an on-demand table"):
            self.assertError("ValidationException",
                             "One or more parameter values were invalid: Neither ReadCapacityUnits nor "
                             "WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST",
                             self.ddb.update_table, exact=True, TableName=name,
                             ProvisionedThroughput={"ReadCapacityUnits": 1, "WriteCapacityUnits": 1})
        with self.subTest("PROVISIONED without throughput"):
            self.assertError("ValidationException",
                             "One or more parameter values were invalid: ProvisionedThroughput must be specified when "
                             "BillingMode is PROVISIONED", self.ddb.update_table, exact=True,
                             TableName=name, BillingMode="PROVISIONED")
        with self.subTest("a missing table"):
            missing = unique("missing")
            self.assertError("ResourceNotFoundException", "Requested resource not found: Table: %s not found" % missing,
                             self.ddb.update_table, exact=True, TableName=missing, BillingMode="PAY_PER_REQUEST")
        # nothing was changed by the refused calls
        d = self.describe(name)
        self.assertEqual(d["BillingModeSummary"]["BillingMode"], "PAY_PER_REQUEST")
        self.assertEqual(d["ProvisionedThroughput"]["ReadCapacityUnits"], 0)

    def test_last_update_to_pay_per_request_is_the_last_switch(self):
        # BillingModeSummary.LastUpdateToPayPerRequestDateTime is when the table last became
        # on-demand: for a table created so, its creation; other updates leave it alone.
        name = self.create_table()
        created = self.describe(name)
        self.assertEqual(created["BillingModeSummary"]["LastUpdateToPayPerRequestDateTime"],
                         created["CreationDateTime"])
        self.update(name, StreamSpecification={"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"})
        self.update(name, TableClass="STANDARD_INFREQUENT_ACCESS")
        self.assertEqual(self.describe(name)["BillingModeSummary"]["LastUpdateToPayPerRequestDateTime"],
                         created["CreationDateTime"])

    # -- streams ---------------------------------------------------------------------

    def test_enabling_a_stream(self):
        name = self.create_table()
        table_arn = self.describe(name)["TableArn"]
        answer = self.ddb.update_table(TableName=name, StreamSpecification={"StreamEnabled": True,
                                                                            "StreamViewType": "NEW_IMAGE"})
        d = answer["TableDescription"]
        self.assertEqual(d["TableStatus"], "UPDATING")
        self.assertEqual(d["StreamSpecification"], {"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"})
        self.assertRegex(d["LatestStreamLabel"], STREAM_LABEL)
        self.assertEqual(d["LatestStreamArn"], table_arn + "/stream/" + d["LatestStreamLabel"])
        described = self.wait_active(name)
        self.assertEqual(described["LatestStreamArn"], d["LatestStreamArn"])
        self.assertEqual(described["StreamSpecification"], {"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"})
        stream = self.wait_stream_status(d["LatestStreamArn"], "ENABLED")
        self.assertEqual((stream["TableName"], stream["StreamViewType"]), (name, "NEW_IMAGE"))
        self.assertEqual([s["StreamArn"] for s in self.streams.list_streams(TableName=name)["Streams"]],
                         [d["LatestStreamArn"]])
        item = {"pk": S("one"), "v": N(1)}
        self.ddb.put_item(TableName=name, Item=item)
        [record] = self.stream_records(d["LatestStreamArn"])
        self.assertEqual((record["eventName"], record["dynamodb"]["NewImage"]), ("INSERT", item))
        self.assertNotIn("OldImage", record["dynamodb"])

    def test_disabling_and_enabling_again_makes_a_new_stream(self):
        name = self.create_table(StreamSpecification={"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"})
        first = self.describe(name)["LatestStreamArn"]
        self.ddb.put_item(TableName=name, Item={"pk": S("before")})

        answer = self.update(name, StreamSpecification={"StreamEnabled": False})
        self.assertEqual(answer["TableStatus"], "UPDATING")
        d = self.describe(name)
        # the latest stream stays named
        self.assertEqual(d["LatestStreamArn"], first)
        with self.subTest("no StreamSpecification, as for a table that never had a stream"):
            self.assertNotIn("StreamSpecification", d)
        old = self.wait_stream_status(first, "DISABLED")
        [shard] = old["Shards"]
        self.assertIn("EndingSequenceNumber", shard["SequenceNumberRange"])
        # writes now reach no stream; the old one keeps what it had
        self.ddb.put_item(TableName=name, Item={"pk": S("while-disabled")})
        self.assertEqual([r["dynamodb"]["Keys"] for r in self.stream_records(first)], [{"pk": S("before")}])
        with self.subTest("disabling again"):
            self.assertError("ValidationException", "Table has no stream to disable: TableName: %s" % name,
                             self.ddb.update_table, exact=True, TableName=name,
                             StreamSpecification={"StreamEnabled": False})

        answer = self.update(name, StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"})
        second = answer["LatestStreamArn"]
        self.assertNotEqual(second, first)
        self.assertNotEqual(answer["LatestStreamLabel"], first.rsplit("/", 1)[1])
        d = self.describe(name)
        self.assertEqual(d["LatestStreamArn"], second)
        self.assertEqual(d["StreamSpecification"], {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"})
        self.wait_stream_status(second, "ENABLED")
        self.assertEqual(sorted(s["StreamArn"] for s in self.streams.list_streams(TableName=name)["Streams"]),
                         sorted([first, second]))
        self.assertEqual(self.streams.describe_stream(StreamArn=first)["StreamDescription"]["StreamStatus"],
                         "DISABLED")
        self.ddb.update_item(TableName=name, Key={"pk": S("before")}, UpdateExpression="SET v = :v",
                             ExpressionAttributeValues={":v": N(2)})
        records = self.stream_records(second)
        self.assertEqual([(r["eventName"], r["dynamodb"]["Keys"]) for r in records], [("MODIFY", {"pk": S("before")})])
        self.assertEqual(records[0]["dynamodb"]["OldImage"], {"pk": S("before")})

    def test_stream_errors(self):
        with self.subTest("disabling a stream a table does not have"):
            name = self.create_table()
            self.assertError("ValidationException", "Table has no stream to disable: TableName: %s" % name,
                             self.ddb.update_table, exact=True, TableName=name,
                             StreamSpecification={"StreamEnabled": False})
        with self.subTest("enabling a stream without a view type"):
            name = self.create_table()
            self.assertError("ValidationException", "One or more parameter values were invalid: If stream is being "
                                                    "enabled then UpdateViewType is required",
                             self.ddb.update_table, exact=True, TableName=name,
                             StreamSpecification={"StreamEnabled": True})
            self.assertNotIn("LatestStreamArn", self.describe(name))

        name = self.create_table(StreamSpecification={"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"})
        arn = self.describe(name)["LatestStreamArn"]
        # a stream's view type cannot change in place, and enabling it again is no change either
        for view_type in ("KEYS_ONLY", "NEW_IMAGE"):
            with self.subTest("enabling again", view_type=view_type):
                self.assertError("ValidationException", "Table already has an enabled stream: TableName: %s" % name,
                                 self.ddb.update_table, exact=True, TableName=name,
                                 StreamSpecification={"StreamEnabled": True, "StreamViewType": view_type})
        with self.subTest("disabling with a view type"):
            self.assertError("ValidationException", "One or more parameter values were invalid: If stream is being "
                                                    "disabled, then UpdateViewType must not be specified",
                             self.ddb.update_table, exact=True, TableName=name,
                             StreamSpecification={"StreamEnabled": False, "StreamViewType": "KEYS_ONLY"})
        d = self.describe(name)
        self.assertEqual(d["LatestStreamArn"], arn)
        self.assertEqual(d["StreamSpecification"], {"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"})

    # -- global secondary indexes ----------------------------------------------------

    def test_creating_an_index_is_answered_as_in_progress(self):
        name = self.create_table()
        self.ddb.put_item(TableName=name, Item={"pk": S("a"), "g": S("x")})
        answer = self.ddb.update_table(TableName=name, AttributeDefinitions=definitions(("g", "S")),
                                       GlobalSecondaryIndexUpdates=[create_index("byG", ("g", "HASH"))])
        d = answer["TableDescription"]
        # the table being updated, the new index being created: resources first, backfilling after
        self.assertEqual(d["TableStatus"], "UPDATING")
        [gsi] = d["GlobalSecondaryIndexes"]
        self.assertEqual((gsi["IndexName"], gsi["KeySchema"], gsi["Projection"]),
                         ("byG", keys(("g", "HASH")), {"ProjectionType": "ALL"}))
        self.assertEqual(gsi["IndexArn"], d["TableArn"] + "/index/byG")
        self.assertEqual(gsi["IndexStatus"], "CREATING")
        with self.subTest("Backfilling"):
            self.assertIs(gsi.get("Backfilling"), False)
        [gsi] = self.wait_active(name)["GlobalSecondaryIndexes"]
        self.assertEqual((gsi["IndexName"], gsi["IndexStatus"]), ("byG", "ACTIVE"))

    def test_a_new_index_is_backfilled_with_the_items_it_can_hold(self):
        name = self.create_table((("pk", "S"), ("sk", "N")))
        red = [{"pk": S("p%d" % i), "sk": N(i), "colour": S("red"), "rank": N(10 - i), "note": S("n%d" % i),
                "bulky": S("x" * 20)} for i in range(3)]
        blue = {"pk": S("p9"), "sk": N(9), "colour": S("blue"), "rank": N(1)}
        no_colour = {"pk": S("p10"), "sk": N(10), "rank": N(1)}
        no_rank = {"pk": S("p11"), "sk": N(11), "colour": S("red")}
        wrong_type = {"pk": S("p12"), "sk": N(12), "colour": N(7), "rank": N(1)}  # colour will be S
        self.put_all(name, red + [blue, no_colour, no_rank, wrong_type])

        self.update(name, AttributeDefinitions=definitions(("colour", "S"), ("rank", "N")),
                    GlobalSecondaryIndexUpdates=[create_index("byColour", ("colour", "HASH"), ("rank", "RANGE"),
                                                              projection={"ProjectionType": "INCLUDE",
                                                                          "NonKeyAttributes": ["note"]})])
        d = self.describe(name)
        [gsi] = d["GlobalSecondaryIndexes"]
        self.assertEqual((gsi["IndexName"], gsi["IndexStatus"]), ("byColour", "ACTIVE"))
        self.assertEqual(gsi["Projection"], {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["note"]})
        self.assertEqual(by_name(d["AttributeDefinitions"]),
                         by_name(definitions(("pk", "S"), ("sk", "N"), ("colour", "S"), ("rank", "N"))))
        projected = lambda item: {k: v for k, v in item.items() if k in ("pk", "sk", "colour", "rank", "note")}
        # backfilled: queryable at once, in the index's own key order, with the projection
        self.assertEqual(self.query_index(name, "byColour", "colour = :c", {":c": S("red")}),
                         [projected(i) for i in reversed(red)])
        self.assertEqual(self.ddb.query(TableName=name, IndexName="byColour",
                                        KeyConditionExpression="colour = :c AND #r < :r",
                                        ExpressionAttributeNames={"#r": "rank"},
                                        ExpressionAttributeValues={":c": S("red"), ":r": N(10)})["Items"],
                         [projected(red[2]), projected(red[1])])
        with self.subTest("items without both key attributes, or of another type, are left out"):
            self.assertEqual(sorted(i["pk"]["S"] for i in self.scan_all(name, IndexName="byColour")),
                             ["p0", "p1", "p2", "p9"])
        self.assertEqual(len(self.scan_all(name)), 7)

        # new writes are indexed; a key attribute of the wrong type is now refused
        fresh = {"pk": S("p20"), "sk": N(20), "colour": S("red"), "rank": N(0), "note": S("new")}
        self.ddb.put_item(TableName=name, Item=fresh)
        self.assertEqual(self.eventually(
            lambda: [i for i in self.query_index(name, "byColour", "colour = :c", {":c": S("red")})
                     if i["pk"] == S("p20")], "the new item in the index"), [fresh])
        self.assertError("ValidationException",
                         "One or more parameter values were invalid: Type mismatch for Index Key colour Expected: S "
                         "Actual: N IndexName: byColour", self.ddb.put_item,
                         TableName=name, Item={"pk": S("p21"), "sk": N(21), "colour": N(3), "rank": N(1)})

    def test_deleting_an_index(self):
        name = self.create_table(attributes=(("g", "S"), ("h", "N")), GlobalSecondaryIndexes=[
            {"IndexName": "byG", "KeySchema": keys(("g", "HASH")), "Projection": {"ProjectionType": "ALL"}},
            {"IndexName": "byH", "KeySchema": keys(("h", "HASH")), "Projection": {"ProjectionType": "KEYS_ONLY"}}])
        self.put_all(name, [{"pk": S("a"), "g": S("one"), "h": N(1)}, {"pk": S("b"), "g": S("two"), "h": N(2)}])
        answer = self.ddb.update_table(TableName=name, GlobalSecondaryIndexUpdates=[{"Delete": {"IndexName": "byG"}}])
        d = answer["TableDescription"]
        self.assertEqual(d["TableStatus"], "UPDATING")
        for gsi in d.get("GlobalSecondaryIndexes", []):
            if gsi["IndexName"] == "byG":
                self.assertEqual(gsi["IndexStatus"], "DELETING")
        d = self.wait_index_gone(name, "byG")
        self.assertEqual([g["IndexName"] for g in d["GlobalSecondaryIndexes"]], ["byH"])
        # the attribute only that index used is no longer defined
        self.assertEqual(by_name(d["AttributeDefinitions"]), by_name(definitions(("pk", "S"), ("h", "N"))))
        self.assertError("ValidationException", "The table does not have the specified index: byG", self.ddb.query,
                         exact=True, TableName=name, IndexName="byG", KeyConditionExpression="g = :g",
                         ExpressionAttributeValues={":g": S("one")})
        # g is free of its type now, and the other index still works
        self.ddb.put_item(TableName=name, Item={"pk": S("c"), "g": N(3), "h": N(3)})
        self.assertEqual(self.eventually(lambda: self.query_index(name, "byH", "h = :h", {":h": N(3)}), "byH"),
                         [{"pk": S("c"), "h": N(3)}])

        # the last index deleted: no GlobalSecondaryIndexes at all; then the name can be used again
        self.ddb.update_table(TableName=name, GlobalSecondaryIndexUpdates=[{"Delete": {"IndexName": "byH"}}])
        d = self.wait_index_gone(name, "byH")
        self.assertNotIn("GlobalSecondaryIndexes", d)
        self.assertEqual(d["AttributeDefinitions"], definitions(("pk", "S")))
        self.update(name, AttributeDefinitions=definitions(("g", "N")),
                    GlobalSecondaryIndexUpdates=[create_index("byG", ("g", "HASH"))])
        self.assertEqual(self.query_index(name, "byG", "g = :g", {":g": N(3)}), [{"pk": S("c"), "g": N(3), "h": N(3)}])

    def test_index_update_errors(self):
        def fresh():
            return self.create_table(
                (("pk", "S"), ("sk", "S")), attributes=(("g", "S"), ("l", "S")),
                GlobalSecondaryIndexes=[{"IndexName": "byG", "KeySchema": keys(("g", "HASH")),
                                         "Projection": {"ProjectionType": "ALL"}}],
                LocalSecondaryIndexes=[{"IndexName": "byL", "KeySchema": keys(("pk", "HASH"), ("l", "RANGE")),
                                        "Projection": {"ProjectionType": "KEYS_ONLY"}}])
        cases = [
            ("an index that exists", "ValidationException", "Attempting to create an index which already exists", True,
             {"AttributeDefinitions": definitions(("h", "S")),
              "GlobalSecondaryIndexUpdates": [create_index("byG", ("h", "HASH"))]}),
            ("a local index's name", "ValidationException", "already exists", False,
             {"AttributeDefinitions": definitions(("h", "S")),
              "GlobalSecondaryIndexUpdates": [create_index("byL", ("h", "HASH"))]}),
            ("deleting a local index", "ValidationException", None, False,
             {"GlobalSecondaryIndexUpdates": [{"Delete": {"IndexName": "byL"}}]}),
            ("deleting a missing index", "ResourceNotFoundException", "Requested resource not found", False,
             {"GlobalSecondaryIndexUpdates": [{"Delete": {"IndexName": "ghost"}}]}),
            ("an undefined key attribute", "ValidationException", "AttributeDefinitions", False,
             {"GlobalSecondaryIndexUpdates": [create_index("byH", ("h", "HASH"))]}),
            ("a key attribute redefined", "ValidationException", "Attributes cannot be redefined", False,
             {"AttributeDefinitions": definitions(("g", "N")),
              "GlobalSecondaryIndexUpdates": [create_index("byG2", ("g", "HASH"))]}),
            ("two indexes created in one call", "LimitExceededException",
             "Only 1 online index can be created or deleted simultaneously per table", False,
             {"AttributeDefinitions": definitions(("h", "S"), ("i", "S")),
              "GlobalSecondaryIndexUpdates": [create_index("byH", ("h", "HASH")), create_index("byI", ("i", "HASH"))]}),
        ]
        for label, code, message, exact, kwargs in cases:
            with self.subTest(label):
                name = fresh()
                before = self.describe(name)
                self.assertError(code, message, self.ddb.update_table, exact=exact, TableName=name, **kwargs)
                # the table is as it was
                d = self.describe(name)
                for member in ("GlobalSecondaryIndexes", "LocalSecondaryIndexes"):
                    self.assertEqual([i["IndexName"] for i in d[member]], [i["IndexName"] for i in before[member]])
                self.assertEqual(by_name(d["AttributeDefinitions"]), by_name(before["AttributeDefinitions"]))

    # -- table class, deletion protection, one change per call -------------------------

    def test_table_class(self):
        name = self.create_table()
        d = self.describe(name)
        self.assertEqual(d.get("TableClassSummary", {"TableClass": "STANDARD"})["TableClass"], "STANDARD")
        self.update(name, TableClass="STANDARD_INFREQUENT_ACCESS")
        summary = self.describe(name)["TableClassSummary"]
        self.assertEqual(summary["TableClass"], "STANDARD_INFREQUENT_ACCESS")
        with self.subTest("LastUpdateDateTime"):
            self.assertRecent(summary.get("LastUpdateDateTime"))
        # by ARN, back to STANDARD
        self.ddb.update_table(TableName=d["TableArn"], TableClass="STANDARD")
        self.wait_active(name)
        self.assertEqual(self.describe(name)["TableClassSummary"]["TableClass"], "STANDARD")
        with self.subTest("an unknown table class"):
            self.assertError("ValidationException", None, self.unchecked.update_table, TableName=name,
                             TableClass="CHEAP")
            self.assertEqual(self.describe(name)["TableClassSummary"]["TableClass"], "STANDARD")

    def test_deletion_protection(self):
        if not self.has_member("UpdateTable", "DeletionProtectionEnabled"):
            self.skipTest("this botocore has no DeletionProtectionEnabled")
        name = self.create_table()
        self.assertIs(self.describe(name)["DeletionProtectionEnabled"], False)
        self.ddb.update_table(TableName=name, DeletionProtectionEnabled=True)
        self.assertIs(self.wait_active(name)["DeletionProtectionEnabled"], True)
        self.assertError("ValidationException", "Resource cannot be deleted as it is currently protected against "
                                                "deletion. Disable deletion protection first.",
                         self.ddb.delete_table, exact=True, TableName=name)
        # DynamoDB throttles a second toggle within 15 s
        deadline = time.monotonic() + 20
        while True:
            try:
                self.ddb.update_table(TableName=name, DeletionProtectionEnabled=False)
                break
            except ClientError as error:
                if error.response["Error"]["Code"] != "ThrottlingException" or time.monotonic() > deadline:
                    raise
                time.sleep(1)
        self.assertIs(self.wait_active(name)["DeletionProtectionEnabled"], False)
        self.ddb.delete_table(TableName=name)
        self.ddb.get_waiter("table_not_exists").wait(TableName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 30})

    def test_some_changes_must_be_alone_in_their_call(self):
        stream = {"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"}
        new_index = create_index("byG", ("g", "HASH"))
        new_index["Create"]["ProvisionedThroughput"] = {"ReadCapacityUnits": 1, "WriteCapacityUnits": 1}
        cases = [
            ({"TableClass": "STANDARD_INFREQUENT_ACCESS", "StreamSpecification": stream},
             "One or more parameter values were invalid: TableClass modification must be the only operation in the "
             "request"),
            ({"AttributeDefinitions": definitions(("g", "S")), "GlobalSecondaryIndexUpdates": [new_index],
              "StreamSpecification": stream},
             "One or more parameter values were invalid: You cannot create or delete index while changing stream "
             "status"),
            ({"ProvisionedThroughput": {"ReadCapacityUnits": 2, "WriteCapacityUnits": 2}, "StreamSpecification": stream},
             "One or more parameter values were invalid: You cannot modify stream status while updating table IOPS"),
        ]
        if self.has_member("UpdateTable", "DeletionProtectionEnabled"):
            cases.append(({"DeletionProtectionEnabled": True, "StreamSpecification": stream},
                          "One or more parameter values were invalid: DeletionProtection modification must be the "
                          "only operation in the request"))
        for kwargs, message in cases:
            with self.subTest(members=sorted(kwargs)):
                name = self.create_table(billing="PROVISIONED", throughput=(1, 1))
                self.assertError("ValidationException", message, self.ddb.update_table, exact=True,
                                 TableName=name, **kwargs)
                # a refused call applies none of its changes
                d = self.describe(name)
                for member in ("StreamSpecification", "LatestStreamArn", "GlobalSecondaryIndexes"):
                    self.assertNotIn(member, d)
                self.assertEqual(d.get("TableClassSummary", {"TableClass": "STANDARD"})["TableClass"], "STANDARD")
                self.assertEqual(d["ProvisionedThroughput"]["ReadCapacityUnits"], 1)
                self.assertIs(d.get("DeletionProtectionEnabled", False), False)

    # -- durability ----------------------------------------------------------------------

    def test_updates_survive_a_restart(self):
        harness.require_restartable()
        name = self.create_table()
        self.put_all(name, [{"pk": S("a"), "g": S("x")}, {"pk": S("b"), "g": S("y")}])
        self.update(name, AttributeDefinitions=definitions(("g", "S")),
                    GlobalSecondaryIndexUpdates=[create_index("byG", ("g", "HASH"))])
        self.update(name, StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"})
        self.update(name, TableClass="STANDARD_INFREQUENT_ACCESS")
        self.ddb.update_time_to_live(TableName=name, TimeToLiveSpecification={"Enabled": True, "AttributeName": "exp"})
        before = self.describe(name)

        self.server.stop()
        self.server.start()
        type(self).make_clients()

        after = self.describe(name)
        for member in ("TableId", "AttributeDefinitions", "LatestStreamArn", "StreamSpecification", "TableClassSummary",
                       "GlobalSecondaryIndexes"):
            self.assertEqual(after[member], before[member], member)
        self.assertEqual(self.query_index(name, "byG", "g = :g", {":g": S("y")}), [{"pk": S("b"), "g": S("y")}])
        self.assertEqual(self.ddb.describe_time_to_live(TableName=name)["TimeToLiveDescription"],
                         {"TimeToLiveStatus": "ENABLED", "AttributeName": "exp"})
        # and time to live still sweeps after the restart
        key = {"pk": S("expired")}
        self.ddb.put_item(TableName=name, Item=dict(key, exp=N(int(time.time()) - 60)))
        self.eventually(lambda: self.get(name, key) is None, "the expired item deleted after a restart")


class DynamoDbTimeToLiveTest(UpdateTableTestCase):

    def enable(self, table, attribute="exp"):
        answer = self.ddb.update_time_to_live(TableName=table, TimeToLiveSpecification={"Enabled": True,
                                                                                       "AttributeName": attribute})
        self.assertEqual(answer["TimeToLiveSpecification"], {"Enabled": True, "AttributeName": attribute})

    def test_expired_items_are_deleted_and_the_others_stay(self):
        table = self.create_table()
        now = int(time.time())
        # already there before time to live is enabled
        early = {"pk": S("early"), "exp": N(now - 60)}
        self.ddb.put_item(TableName=table, Item=early)
        self.enable(table)
        self.assertEqual(self.ddb.describe_time_to_live(TableName=table)["TimeToLiveDescription"],
                         {"TimeToLiveStatus": "ENABLED", "AttributeName": "exp"})
        expiring = {
            "early": early,
            "past": {"pk": S("past"), "exp": N(now - 60), "v": S("data")},
            "fraction": {"pk": S("fraction"), "exp": N("%d.25" % (now - 61))},
            "exponent": {"pk": S("exponent"), "exp": N("%de1" % ((now - 60) // 10))},
            "four-years": {"pk": S("four-years"), "exp": N(now - 4 * YEAR)},
        }
        staying = {
            "no-attribute": {"pk": S("no-attribute"), "other": N(now - 60)},
            "future": {"pk": S("future"), "exp": N(now + 3600)},
            "string": {"pk": S("string"), "exp": S(str(now - 60))},
            "number-set": {"pk": S("number-set"), "exp": {"NS": [str(now - 60)]}},
            "over-five-years": {"pk": S("over-five-years"), "exp": N(now - 6 * YEAR)},
            "milliseconds": {"pk": S("milliseconds"), "exp": N((now - 60) * 1000)},  # far in the future as seconds
        }
        self.put_all(table, list(expiring.values())[1:] + list(staying.values()))

        def gone():
            return all(self.get(table, {"pk": item["pk"]}) is None for item in expiring.values())
        self.eventually(gone, "the expired items deleted")
        # the sweep that removed them went over the rest too
        for label, item in staying.items():
            with self.subTest(label):
                self.assertEqual(self.get(table, {"pk": item["pk"]}), item)
        self.assertEqual(sorted(i["pk"]["S"] for i in self.scan_all(table)), sorted(staying))
        self.assertEqual(self.ddb.scan(TableName=table, Select="COUNT")["Count"], len(staying))

    def test_an_item_whose_time_is_moved_on_stays(self):
        table = self.create_table()
        self.enable(table)
        key = {"pk": S("moved")}
        self.ddb.put_item(TableName=table, Item=dict(key, exp=N(int(time.time()) + 3600)))
        self.ddb.update_item(TableName=table, Key=key, UpdateExpression="SET exp = :later",
                             ExpressionAttributeValues={":later": N(int(time.time()) + 7200)})
        marker = {"pk": S("marker")}
        self.ddb.put_item(TableName=table, Item=dict(marker, exp=N(int(time.time()) - 1)))
        self.eventually(lambda: self.get(table, marker) is None, "the marker deleted")
        self.assertIsNotNone(self.get(table, key))
        # and an item made to expire by an update goes
        self.ddb.update_item(TableName=table, Key=key, UpdateExpression="SET exp = :past",
                             ExpressionAttributeValues={":past": N(int(time.time()) - 10)})
        self.eventually(lambda: self.get(table, key) is None, "the updated item deleted")

    def test_the_sort_key_can_be_the_expiry_attribute(self):
        table = self.create_table((("pk", "S"), ("at", "N")))
        self.enable(table, "at")
        now = int(time.time())
        old = {"pk": S("p"), "at": N(now - 60)}
        new = {"pk": S("p"), "at": N(now + 3600)}
        self.put_all(table, [old, new])
        self.eventually(lambda: self.get(table, old) is None, "the past sort key deleted")
        self.assertEqual(self.ddb.query(TableName=table, KeyConditionExpression="pk = :p",
                                        ExpressionAttributeValues={":p": S("p")})["Items"], [new])

    def test_expired_items_leave_their_indexes(self):
        table = self.create_table(
            (("pk", "S"), ("sk", "S")), attributes=(("g", "S"), ("l", "S")),
            GlobalSecondaryIndexes=[{"IndexName": "byG", "KeySchema": keys(("g", "HASH")),
                                     "Projection": {"ProjectionType": "ALL"}}],
            LocalSecondaryIndexes=[{"IndexName": "byL", "KeySchema": keys(("pk", "HASH"), ("l", "RANGE")),
                                    "Projection": {"ProjectionType": "ALL"}}])
        self.enable(table)
        live = {"pk": S("p"), "sk": S("live"), "g": S("shared"), "l": S("a")}
        doomed = {"pk": S("p"), "sk": S("doomed"), "g": S("shared"), "l": S("b")}
        self.put_all(table, [live, doomed])
        self.eventually(lambda: len(self.query_index(table, "byG", "g = :g", {":g": S("shared")})) == 2,
                        "both items in the global index")
        self.ddb.update_item(TableName=table, Key={"pk": S("p"), "sk": S("doomed")}, UpdateExpression="SET exp = :t",
                             ExpressionAttributeValues={":t": N(int(time.time()) - 60)})
        self.eventually(lambda: self.get(table, {"pk": S("p"), "sk": S("doomed")}) is None, "the expired item deleted")
        self.assertEqual(self.eventually(lambda: (lambda items: items if len(items) == 1 else None)(
            self.query_index(table, "byG", "g = :g", {":g": S("shared")})), "the global index without it"), [live])
        self.assertEqual(self.query_index(table, "byL", "pk = :p", {":p": S("p")}), [live])
        self.assertEqual(self.scan_all(table, IndexName="byL"), [live])

    def test_an_expiry_is_a_remove_by_the_service_on_the_stream(self):
        table = self.create_table((("pk", "S"), ("sk", "S")),
                                  StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"})
        arn = self.describe(table)["LatestStreamArn"]
        self.wait_stream_status(arn, "ENABLED")
        self.enable(table)
        expiring = {"pk": S("p"), "sk": S("expiring"), "animal": S("dog"), "exp": N(int(time.time()) - 60)}
        deleted = {"pk": S("p"), "sk": S("deleted")}
        self.put_all(table, [expiring, deleted])
        self.ddb.delete_item(TableName=table, Key=deleted)

        def removals():
            found = [r for r in self.stream_records(arn) if r["eventName"] == "REMOVE"]
            return found if len(found) == 2 else None
        user, service = self.eventually(removals, "the expiry's REMOVE record")
        self.assertEqual(user["dynamodb"]["Keys"], deleted)
        self.assertNotIn("userIdentity", user)  # deleted by a caller
        self.assertEqual(service["userIdentity"], SERVICE_IDENTITY)
        self.assertEqual(service["dynamodb"]["Keys"], {"pk": S("p"), "sk": S("expiring")})
        self.assertEqual(service["dynamodb"]["OldImage"], expiring)
        self.assertNotIn("NewImage", service["dynamodb"])
        self.assertIsNone(self.get(table, {"pk": S("p"), "sk": S("expiring")}))

    def test_disabling_stops_deletions(self):
        table = self.create_table()
        self.enable(table)
        try:
            answer = self.ddb.update_time_to_live(TableName=table, TimeToLiveSpecification={"Enabled": False,
                                                                                           "AttributeName": "exp"})
        except ClientError as error:
            if "modified multiple times within a fixed interval" in error.response["Error"].get("Message", ""):
                self.skipTest("DynamoDB allows one time to live change an hour")
            raise
        self.assertEqual(answer["TimeToLiveSpecification"], {"Enabled": False, "AttributeName": "exp"})
        status = self.ddb.describe_time_to_live(TableName=table)["TimeToLiveDescription"]["TimeToLiveStatus"]
        self.assertIn(status, ("DISABLING", "DISABLED"))
        kept = {"pk": S("kept"), "exp": N(int(time.time()) - 60)}
        self.ddb.put_item(TableName=table, Item=kept)
        # a table with time to live on, its expired item written after: once that is gone,
        # a sweep has passed over `kept` too
        control = self.create_table()
        self.enable(control)
        marker = {"pk": S("marker"), "exp": N(int(time.time()) - 60)}
        self.ddb.put_item(TableName=control, Item=marker)
        self.eventually(lambda: self.get(control, {"pk": S("marker")}) is None, "the control table's item deleted")
        self.assertEqual(self.get(table, {"pk": S("kept")}), kept)

    def test_time_to_live_errors(self):
        missing = unique("missing")
        for call, kwargs in ((self.ddb.describe_time_to_live, {}),
                             (self.ddb.update_time_to_live, {"TimeToLiveSpecification": {"Enabled": True,
                                                                                         "AttributeName": "exp"}})):
            with self.subTest(call.__name__):
                self.assertError("ResourceNotFoundException", "Requested resource not found", call,
                                 TableName=missing, **kwargs)
        table = self.create_table()
        self.assertEqual(self.ddb.describe_time_to_live(TableName=table)["TimeToLiveDescription"],
                         {"TimeToLiveStatus": "DISABLED"})
        self.assertError("ValidationException", "TimeToLive is already disabled", self.ddb.update_time_to_live,
                         exact=True, TableName=table, TimeToLiveSpecification={"Enabled": False, "AttributeName": "exp"})
        # AttributeName is 1 to 255 characters
        for attribute in ("", "x" * 256):
            with self.subTest(length=len(attribute)):
                table = self.create_table()
                self.assertError("ValidationException", "length", self.unchecked.update_time_to_live, TableName=table,
                                 TimeToLiveSpecification={"Enabled": True, "AttributeName": attribute})
                self.assertEqual(self.ddb.describe_time_to_live(TableName=table)["TimeToLiveDescription"],
                                 {"TimeToLiveStatus": "DISABLED"})
        table = self.create_table()
        self.enable(table, "x" * 255)
        self.assertEqual(self.ddb.describe_time_to_live(TableName=table)["TimeToLiveDescription"],
                         {"TimeToLiveStatus": "ENABLED", "AttributeName": "x" * 255})

        other = self.create_table()
        self.enable(other)
        # another attribute can only follow after disabling, and only the current one disables
        with self.subTest("enabling another attribute"):
            message = self.assertError("ValidationException", None, self.ddb.update_time_to_live, TableName=other,
                                       TimeToLiveSpecification={"Enabled": True, "AttributeName": "other"})
            self.assertRegex(message, "active|enabled")
        with self.subTest("disabling another attribute"):
            self.assertError("ValidationException",
                             "TimeToLive is active on a different AttributeName: current AttributeName is exp",
                             self.ddb.update_time_to_live, exact=True, TableName=other,
                             TimeToLiveSpecification={"Enabled": False, "AttributeName": "other"})
        self.assertEqual(self.ddb.describe_time_to_live(TableName=other)["TimeToLiveDescription"],
                         {"TimeToLiveStatus": "ENABLED", "AttributeName": "exp"})


@unittest.skipUnless(harness.aws_cli_installed(), "AWS CLI not installed at %s" % harness.AWS_CLI)
class DynamoDbUpdateTableCliTest(harness.AwsCliMixin, UpdateTableTestCase):
    cli_service = "dynamodb"

    def wait_cli_active(self, name):
        deadline = time.monotonic() + WAIT_SECONDS
        while True:
            d = self.aws("describe-table", "--table-name", name)["Table"]
            if d["TableStatus"] == "ACTIVE" and all(g["IndexStatus"] == "ACTIVE"
                                                    for g in d.get("GlobalSecondaryIndexes", [])):
                return d
            self.assertLess(time.monotonic(), deadline, d)
            time.sleep(0.5)

    def test_cli_update_table(self):
        name = self.create_table()
        self.put_all(name, [{"pk": S("a"), "g": S("x")}, {"pk": S("b"), "g": S("y")}])
        d = self.aws("update-table", "--table-name", name, "--billing-mode", "PROVISIONED",
                     "--provisioned-throughput", "ReadCapacityUnits=2,WriteCapacityUnits=3")["TableDescription"]
        self.assertEqual(d["TableStatus"], "UPDATING")
        d = self.wait_cli_active(name)
        self.assertEqual((d["ProvisionedThroughput"]["ReadCapacityUnits"],
                          d["ProvisionedThroughput"]["WriteCapacityUnits"]), (2, 3))

        create = [{"Create": {"IndexName": "byG", "KeySchema": keys(("g", "HASH")),
                              "Projection": {"ProjectionType": "KEYS_ONLY"},
                              "ProvisionedThroughput": {"ReadCapacityUnits": 1, "WriteCapacityUnits": 1}}}]
        d = self.aws("update-table", "--table-name", name, "--attribute-definitions", "AttributeName=g,AttributeType=S",
                     "--global-secondary-index-updates", json.dumps(create))["TableDescription"]
        self.assertEqual([(g["IndexName"], g["IndexStatus"]) for g in d["GlobalSecondaryIndexes"]],
                         [("byG", "CREATING")])
        self.wait_cli_active(name)
        found = self.aws("query", "--table-name", name, "--index-name", "byG", "--key-condition-expression", "g = :g",
                         "--expression-attribute-values", json.dumps({":g": S("y")}))
        self.assertEqual(found["Items"], [{"pk": S("b"), "g": S("y")}])

        d = self.aws("update-table", "--table-name", name, "--stream-specification",
                     "StreamEnabled=true,StreamViewType=NEW_IMAGE")["TableDescription"]
        self.assertEqual(d["StreamSpecification"], {"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"})
        self.assertRegex(d["LatestStreamLabel"], STREAM_LABEL)
        self.wait_cli_active(name)

        proc = self.aws("update-table", "--table-name", name, check=False)
        self.assertEqual(proc.returncode, 254, proc.stderr)
        self.assertIn("An error occurred (ValidationException) when calling the UpdateTable operation", proc.stderr)
        self.assertIn(": At least one of ProvisionedThroughput, BillingMode", proc.stderr)

    def test_cli_time_to_live(self):
        name = self.create_table()
        answer = self.aws("update-time-to-live", "--table-name", name, "--time-to-live-specification",
                          "Enabled=true,AttributeName=exp")
        self.assertEqual(answer["TimeToLiveSpecification"], {"Enabled": True, "AttributeName": "exp"})
        self.assertEqual(self.aws("describe-time-to-live", "--table-name", name)["TimeToLiveDescription"],
                         {"TimeToLiveStatus": "ENABLED", "AttributeName": "exp"})
        key = {"pk": S("gone")}
        self.aws("put-item", "--table-name", name, "--item", json.dumps(dict(key, exp=N(int(time.time()) - 60))))
        self.eventually(lambda: not self.aws("get-item", "--table-name", name, "--key", json.dumps(key),
                                             "--consistent-read").get("Item"), "the expired item deleted")
        proc = self.aws("update-time-to-live", "--table-name", name, "--time-to-live-specification",
                        "Enabled=true,AttributeName=exp", check=False)
        self.assertEqual(proc.returncode, 254, proc.stderr)
        self.assertIn("TimeToLive is already enabled", proc.stderr)


if __name__ == "__main__":
    unittest.main()
