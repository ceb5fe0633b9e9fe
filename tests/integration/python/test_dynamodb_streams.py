"""DynamoDB Streams: the records every item write appends to a table's stream (PutItem,
UpdateItem, DeleteItem, BatchWriteItem, TransactWriteItems), their shape and images per
StreamViewType, writes that leave no record, shard iterators (TRIM_HORIZON, LATEST,
AT_SEQUENCE_NUMBER, AFTER_SEQUENCE_NUMBER), GetRecords paging with Limit and
NextShardIterator, ListStreams and DescribeStream, errors, a clean restart, DeleteTable
(the stream is DISABLED, its shard closed and still readable), time to live, and the
AWS CLI v2.

What is asserted is what DynamoDB Streams does. Sources: the Amazon DynamoDB Streams API
reference (Record, StreamRecord, DescribeStream, GetShardIterator, GetRecords,
ListStreams), the developer guide's "Change data capture for DynamoDB Streams"
(Streams.html: records only for writes that change an item, 24 hours of reads after a
stream is disabled) and "DynamoDB Streams and Time to Live", and ScyllaDB's
test/alternator/test_streams.py, a suite run against real DynamoDB (malformed ARNs and
iterators, Limit ranges, a SequenceNumber with TRIM_HORIZON/LATEST, closed shards and
their EndingSequenceNumber, no NextShardIterator at a closed shard's end, no record for
an identical PutItem or a delete of a missing item). Error messages quoted from real
DynamoDB in public issues are asserted in full; elsewhere only the code and a sure part.

DynamoDB orders a stream's records per item; records of different items in one
BatchWriteItem or TransactWriteItems are compared as a set, calls made one after the
other in order."""

import datetime
import re
import time
import unittest

from botocore.exceptions import ClientError

try:
    from . import harness
    from .dynamodb_helpers import unique, S, N
except ImportError:  # run with the test directory itself as the top level
    import harness
    from dynamodb_helpers import unique, S, N


VIEW_TYPES = ("KEYS_ONLY", "NEW_IMAGE", "OLD_IMAGE", "NEW_AND_OLD_IMAGES")
LABEL = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}$")


class StreamsTestCase(harness.ServerTestCase):
    """A `ddb` and a `streams` client (and `unchecked`, a streams client without botocore's
    parameter validation, for the server's own range checks)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.make_clients()

    @classmethod
    def make_clients(cls):
        cls.ddb = cls.server.client("dynamodb")
        cls.streams = cls.server.client("dynamodbstreams")
        cls.unchecked = cls.server.client("dynamodbstreams", parameter_validation=False)

    def create_table(self, view_type="NEW_AND_OLD_IMAGES", name=None, sort_key=None, stream=True):
        """A PAY_PER_REQUEST table keyed on pk (S) [+ `sort_key` (name, type)]; returns its
        CreateTable description."""
        name = name or unique("st")
        schema = [{"AttributeName": "pk", "KeyType": "HASH"}]
        attributes = [{"AttributeName": "pk", "AttributeType": "S"}]
        if sort_key:
            schema.append({"AttributeName": sort_key[0], "KeyType": "RANGE"})
            attributes.append({"AttributeName": sort_key[0], "AttributeType": sort_key[1]})
        kwargs = {}
        if stream:
            kwargs["StreamSpecification"] = {"StreamEnabled": True, "StreamViewType": view_type}
        description = self.ddb.create_table(TableName=name, BillingMode="PAY_PER_REQUEST", KeySchema=schema,
                                            AttributeDefinitions=attributes, **kwargs)["TableDescription"]
        self.ddb.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 30})
        return description

    def stream_table(self, view_type="NEW_AND_OLD_IMAGES", **kwargs):
        """(table name, stream ARN) of a new table with a stream."""
        description = self.create_table(view_type, **kwargs)
        return description["TableName"], description["LatestStreamArn"]

    def shard_id(self, arn):
        shards = self.streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]
        self.assertEqual(len(shards), 1, shards)
        return shards[0]["ShardId"]

    def iterator(self, arn, kind="TRIM_HORIZON", sequence=None):
        kwargs = {"SequenceNumber": sequence} if sequence else {}
        return self.streams.get_shard_iterator(StreamArn=arn, ShardId=self.shard_id(arn), ShardIteratorType=kind,
                                               **kwargs)["ShardIterator"]

    def drain(self, iterator, limit=None):
        """GetRecords from `iterator` until caught up: (records, next iterator or None).
        On an open shard the last call returns no records and a NextShardIterator; on a
        closed one the end is a missing NextShardIterator."""
        records = []
        kwargs = {"Limit": limit} if limit else {}
        for _ in range(1000):
            page = self.streams.get_records(ShardIterator=iterator, **kwargs)
            records += page["Records"]
            iterator = page.get("NextShardIterator")
            if not iterator or not page["Records"]:
                return records, iterator
        self.fail("GetRecords never caught up")

    def read(self, arn, kind="TRIM_HORIZON", sequence=None):
        return self.drain(self.iterator(arn, kind, sequence))[0]

    def assertError(self, code, message, call, **kwargs):
        """`call(**kwargs)` fails with `code` (HTTP 400) and a message containing `message`."""
        with self.assertRaises(ClientError) as cm:
            call(**kwargs)
        response = cm.exception.response
        self.assertEqual(response["Error"]["Code"], code, response)
        if message:
            self.assertIn(message, response["Error"].get("Message", ""), response)
        self.assertEqual(response["ResponseMetadata"]["HTTPStatusCode"], 400)
        return response

    def summary(self, records):
        """(eventName, Keys, OldImage, NewImage) of each record."""
        return [(r["eventName"], r["dynamodb"]["Keys"], r["dynamodb"].get("OldImage"), r["dynamodb"].get("NewImage"))
                for r in records]

    def assertRecordShape(self, record, view_type, region="us-east-1"):
        """The fields every record has (API reference: Record, StreamRecord)."""
        self.assertEqual(record["eventSource"], "aws:dynamodb")
        self.assertIn(record["eventName"], ("INSERT", "MODIFY", "REMOVE"))
        self.assertIn(record["eventVersion"], ("1.0", "1.1"))
        self.assertIsInstance(record["eventID"], str)
        self.assertTrue(record["eventID"])
        self.assertEqual(record["awsRegion"], region)
        self.assertNotIn("userIdentity", record)  # only deletions by time to live carry one
        d = record["dynamodb"]
        self.assertEqual(d["StreamViewType"], view_type)
        self.assertTrue(d["SequenceNumber"].isdecimal(), d["SequenceNumber"])
        self.assertTrue(21 <= len(d["SequenceNumber"]) <= 40, d["SequenceNumber"])
        self.assertIsInstance(d["SizeBytes"], int)
        self.assertGreaterEqual(d["SizeBytes"], 1)
        created = d["ApproximateCreationDateTime"]
        self.assertIsInstance(created, datetime.datetime)
        self.assertEqual(created.microsecond, 0)  # rounded down to the second
        now = datetime.datetime.now(datetime.timezone.utc)
        self.assertLess(abs((now - created).total_seconds()), 120)
        if view_type == "KEYS_ONLY":
            self.assertNotIn("NewImage", d)
            self.assertNotIn("OldImage", d)
        if view_type == "NEW_IMAGE":
            self.assertNotIn("OldImage", d)
        if view_type == "OLD_IMAGE":
            self.assertNotIn("NewImage", d)

    def assertIncreasing(self, records):
        numbers = [int(r["dynamodb"]["SequenceNumber"]) for r in records]
        self.assertEqual(numbers, sorted(set(numbers)), numbers)


class DynamoDbStreamsTest(StreamsTestCase):

    # -- records and their images ---------------------------------------------------

    def test_each_view_type_has_its_images(self):
        for view_type in VIEW_TYPES:
            with self.subTest(view_type=view_type):
                table, arn = self.stream_table(view_type)
                key = {"pk": S(unique("k"))}
                v1 = dict(key, v=S("one"), n=N(1))
                v2 = dict(key, v=S("two"), tags={"SS": ["a"]})
                v3 = dict(v2, n=N(5))
                self.ddb.put_item(TableName=table, Item=v1)                     # INSERT
                self.ddb.put_item(TableName=table, Item=v2)                     # MODIFY (replaced)
                self.ddb.update_item(TableName=table, Key=key, UpdateExpression="SET n = :n",
                                     ExpressionAttributeValues={":n": N(5)})    # MODIFY
                self.ddb.delete_item(TableName=table, Key=key)                  # REMOVE
                records = self.read(arn)
                for r in records:
                    self.assertRecordShape(r, view_type)
                self.assertIncreasing(records)
                self.assertEqual(len({r["eventID"] for r in records}), 4)
                new = view_type in ("NEW_IMAGE", "NEW_AND_OLD_IMAGES")
                old = view_type in ("OLD_IMAGE", "NEW_AND_OLD_IMAGES")
                expected = [("INSERT", None, v1), ("MODIFY", v1, v2), ("MODIFY", v2, v3), ("REMOVE", v3, None)]
                self.assertEqual(self.summary(records),
                                 [(event, key, before if old else None, after if new else None)
                                  for event, before, after in expected])

    def test_keys_and_images_of_a_composite_key_with_every_type(self):
        table, arn = self.stream_table("NEW_AND_OLD_IMAGES", sort_key=("sk", "N"))
        item = {"pk": S(unique("c")), "sk": N("1.50"), "b": {"B": b"\x00\xff"}, "t": {"BOOL": True},
                "z": {"NULL": True}, "l": {"L": [S("x"), N("007")]}, "m": {"M": {"k": S("v")}},
                "ns": {"NS": ["2"]}, "bs": {"BS": [b"y"]}}
        self.ddb.put_item(TableName=table, Item=item)
        [record] = self.read(arn)
        d = record["dynamodb"]
        # numbers come back normalized, as from GetItem
        self.assertEqual(d["Keys"], {"pk": item["pk"], "sk": N("1.5")})
        self.assertEqual(d["NewImage"], dict(item, sk=N("1.5"), l={"L": [S("x"), N("7")]}))
        self.assertNotIn("OldImage", d)

    def test_update_item_that_creates_an_item_is_an_insert(self):
        table, arn = self.stream_table("NEW_AND_OLD_IMAGES")
        set_key, add_key, bare_key = ({"pk": S(unique(p))} for p in ("set", "add", "bare"))
        self.ddb.update_item(TableName=table, Key=set_key, UpdateExpression="SET v = :v",
                             ExpressionAttributeValues={":v": S("new")})
        self.ddb.update_item(TableName=table, Key=add_key, UpdateExpression="ADD n :one",
                             ExpressionAttributeValues={":one": N(1)})
        self.ddb.update_item(TableName=table, Key=bare_key)  # no expression: an item of just its key
        self.ddb.update_item(TableName=table, Key=bare_key, UpdateExpression="SET w = :w",
                             ExpressionAttributeValues={":w": N(4)})
        self.assertEqual(self.summary(self.read(arn)), [
            ("INSERT", set_key, None, dict(set_key, v=S("new"))),
            ("INSERT", add_key, None, dict(add_key, n=N(1))),
            ("INSERT", bare_key, None, bare_key),
            ("MODIFY", bare_key, bare_key, dict(bare_key, w=N(4))),  # the old image is the key alone
        ])

    def test_removing_every_attribute_leaves_a_new_image_of_the_key(self):
        table, arn = self.stream_table("NEW_IMAGE")
        key = {"pk": S(unique("rm"))}
        self.ddb.put_item(TableName=table, Item=dict(key, x=N(2), y=N(3)))
        self.ddb.update_item(TableName=table, Key=key, UpdateExpression="REMOVE x, y")
        self.ddb.delete_item(TableName=table, Key=key)
        self.assertEqual(self.summary(self.read(arn)), [
            ("INSERT", key, None, dict(key, x=N(2), y=N(3))),
            ("MODIFY", key, None, key),
            ("REMOVE", key, None, None),
        ])

    def test_writes_that_change_nothing_leave_no_record(self):
        table, arn = self.stream_table("NEW_AND_OLD_IMAGES")
        kept = {"pk": S(unique("kept"))}
        self.ddb.put_item(TableName=table, Item=dict(kept, v=S("kept")))
        iterator = self.iterator(arn, "LATEST")
        missing = {"pk": S(unique("missing"))}
        self.ddb.delete_item(TableName=table, Key=missing)
        self.ddb.batch_write_item(RequestItems={table: [{"DeleteRequest": {"Key": missing}}]})
        for call, kwargs in (
                (self.ddb.put_item, {"Item": dict(kept, v=S("changed")), "ConditionExpression": "v = :other",
                                     "ExpressionAttributeValues": {":other": S("other")}}),
                (self.ddb.update_item, {"Key": kept, "UpdateExpression": "SET v = :v",
                                        "ConditionExpression": "attribute_not_exists(pk)",
                                        "ExpressionAttributeValues": {":v": S("changed")}}),
                (self.ddb.delete_item, {"Key": kept, "ConditionExpression": "attribute_not_exists(pk)"})):
            with self.assertRaises(ClientError) as cm:
                call(TableName=table, **kwargs)
            self.assertEqual(cm.exception.response["Error"]["Code"], "ConditionalCheckFailedException")
        # a cancelled transaction writes nothing, not even its actions that would have passed
        with self.assertRaises(ClientError) as cm:
            self.ddb.transact_write_items(TransactItems=[
                {"Put": {"TableName": table, "Item": {"pk": S(unique("tx")), "v": S("never")}}},
                {"ConditionCheck": {"TableName": table, "Key": kept, "ConditionExpression": "attribute_not_exists(pk)"}}])
        self.assertEqual(cm.exception.response["Error"]["Code"], "TransactionCanceledException")
        # a ConditionCheck that passes is no write either
        marker = {"pk": S(unique("marker"))}
        self.ddb.transact_write_items(TransactItems=[
            {"ConditionCheck": {"TableName": table, "Key": kept, "ConditionExpression": "attribute_exists(pk)"}},
            {"Put": {"TableName": table, "Item": marker}}])
        records, _ = self.drain(iterator)
        self.assertEqual(self.summary(records), [("INSERT", marker, None, marker)])

    def test_put_or_update_that_changes_no_data_leaves_no_record(self):
        # Developer guide, Streams.html: "If you perform a PutItem or UpdateItem operation
        # that does not change any data in an item, DynamoDB Streams does not write a stream
        # record for that operation."
        table, arn = self.stream_table("NEW_AND_OLD_IMAGES")
        key = {"pk": S(unique("same"))}
        item = dict(key, v=S("same"), n=N(1))
        self.ddb.put_item(TableName=table, Item=item)
        iterator = self.iterator(arn, "LATEST")
        self.ddb.put_item(TableName=table, Item=item)
        self.ddb.update_item(TableName=table, Key=key, UpdateExpression="SET v = :v",
                             ExpressionAttributeValues={":v": S("same")})
        self.ddb.update_item(TableName=table, Key=key, UpdateExpression="REMOVE absent")
        self.ddb.batch_write_item(RequestItems={table: [{"PutRequest": {"Item": item}}]})
        marker = {"pk": S(unique("marker"))}
        self.ddb.put_item(TableName=table, Item=marker)
        records, _ = self.drain(iterator)
        self.assertEqual(self.summary(records), [("INSERT", marker, None, marker)])

    def test_batch_and_transaction_writes_appear_in_order(self):
        table, arn = self.stream_table("NEW_AND_OLD_IMAGES")
        other, other_arn = self.stream_table("KEYS_ONLY")
        a, b, c, d = ({"pk": S(unique(x))} for x in "abcd")
        o = {"pk": S(unique("o"))}
        self.ddb.batch_write_item(RequestItems={
            table: [{"PutRequest": {"Item": dict(k, v=N(1))}} for k in (a, b, c)],
            other: [{"PutRequest": {"Item": o}}]})
        self.ddb.transact_write_items(TransactItems=[
            {"Update": {"TableName": table, "Key": a, "UpdateExpression": "SET v = v + :one",
                        "ExpressionAttributeValues": {":one": N(1)}}},
            {"Delete": {"TableName": table, "Key": b}},
            {"Put": {"TableName": table, "Item": dict(d, v=N(1))}},
            {"ConditionCheck": {"TableName": table, "Key": c, "ConditionExpression": "attribute_exists(pk)"}},
            {"Delete": {"TableName": other, "Key": o}}])
        self.ddb.batch_write_item(RequestItems={table: [
            {"DeleteRequest": {"Key": a}}, {"DeleteRequest": {"Key": c}}, {"PutRequest": {"Item": dict(b, v=N(3))}}]})
        records = self.read(arn)
        for r in records:
            self.assertRecordShape(r, "NEW_AND_OLD_IMAGES")
        self.assertIncreasing(records)
        self.assertEqual(len(records), 9, self.summary(records))

        def as_set(group):
            return sorted(repr(x) for x in self.summary(group))

        def expected(*rows):
            return sorted(repr(x) for x in rows)

        one, two = N(1), N(2)
        self.assertEqual(as_set(records[0:3]), expected(
            ("INSERT", a, None, dict(a, v=one)), ("INSERT", b, None, dict(b, v=one)), ("INSERT", c, None, dict(c, v=one))))
        self.assertEqual(as_set(records[3:6]), expected(
            ("MODIFY", a, dict(a, v=one), dict(a, v=two)), ("REMOVE", b, dict(b, v=one), None),
            ("INSERT", d, None, dict(d, v=one))))
        self.assertEqual(as_set(records[6:9]), expected(
            ("REMOVE", a, dict(a, v=two), None), ("REMOVE", c, dict(c, v=one), None),
            ("INSERT", b, None, dict(b, v=N(3)))))
        # the other table's stream has its own records only
        self.assertEqual(self.summary(self.read(other_arn)), [("INSERT", o, None, None), ("REMOVE", o, None, None)])

    # -- iterators and paging -------------------------------------------------------

    def test_latest_sees_only_later_records(self):
        table, arn = self.stream_table("KEYS_ONLY")
        keys = [{"pk": S(unique("l%d" % i))} for i in range(3)]
        self.ddb.put_item(TableName=table, Item=keys[0])
        latest = self.iterator(arn, "LATEST")
        page = self.streams.get_records(ShardIterator=latest)
        self.assertEqual(page["Records"], [])
        self.assertIn("NextShardIterator", page)  # the stream is open
        self.ddb.put_item(TableName=table, Item=keys[1])
        self.ddb.put_item(TableName=table, Item=keys[2])
        records, _ = self.drain(page["NextShardIterator"])
        self.assertEqual([r["dynamodb"]["Keys"] for r in records], keys[1:])
        # the iterator first handed out reads the same records
        self.assertEqual(self.drain(latest)[0], records)
        # TRIM_HORIZON reads them all
        self.assertEqual([r["dynamodb"]["Keys"] for r in self.read(arn)], keys)

    def test_at_and_after_sequence_number(self):
        table, arn = self.stream_table("KEYS_ONLY")
        keys = [{"pk": S(unique("s%d" % i))} for i in range(4)]
        for k in keys:
            self.ddb.put_item(TableName=table, Item=k)
        records = self.read(arn)
        self.assertIncreasing(records)
        numbers = [r["dynamodb"]["SequenceNumber"] for r in records]
        start = self.streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0][
            "SequenceNumberRange"]["StartingSequenceNumber"]
        self.assertTrue(start.isdecimal())
        self.assertLessEqual(int(start), int(numbers[0]))
        # reading from the shard's StartingSequenceNumber reads everything
        self.assertEqual(self.read(arn, "AT_SEQUENCE_NUMBER", start), records)
        self.assertEqual(self.read(arn, "AT_SEQUENCE_NUMBER", numbers[0]), records)
        self.assertEqual(self.read(arn, "AT_SEQUENCE_NUMBER", numbers[2]), records[2:])
        self.assertEqual(self.read(arn, "AFTER_SEQUENCE_NUMBER", numbers[1]), records[2:])
        page = self.streams.get_records(ShardIterator=self.iterator(arn, "AFTER_SEQUENCE_NUMBER", numbers[3]))
        self.assertEqual(page["Records"], [])
        self.assertIn("NextShardIterator", page)
        for kind in ("AT_SEQUENCE_NUMBER", "AFTER_SEQUENCE_NUMBER"):
            with self.subTest(kind=kind):  # these need a sequence number
                self.assertError("ValidationException", None, self.streams.get_shard_iterator,
                                 StreamArn=arn, ShardId=self.shard_id(arn), ShardIteratorType=kind)

    def test_get_records_limit_and_next_shard_iterator(self):
        table, arn = self.stream_table("KEYS_ONLY")
        keys = [{"pk": S(unique("p%d" % i))} for i in range(5)]
        for k in keys:
            self.ddb.put_item(TableName=table, Item=k)
        iterator = self.iterator(arn)
        sizes, records = [], []
        for _ in range(10):
            page = self.streams.get_records(ShardIterator=iterator, Limit=2)
            self.assertIn("NextShardIterator", page)  # always, on an open shard
            iterator = page["NextShardIterator"]
            if not page["Records"]:
                break
            sizes.append(len(page["Records"]))
            records += page["Records"]
        self.assertEqual(sizes, [2, 2, 1])
        self.assertEqual([r["dynamodb"]["Keys"] for r in records], keys)
        self.assertEqual(records, self.read(arn))
        # caught up: nothing more until the next write, which the same iterator then reads
        again = self.streams.get_records(ShardIterator=iterator)
        self.assertEqual(again["Records"], [])
        late = {"pk": S(unique("late"))}
        self.ddb.put_item(TableName=table, Item=late)
        page = self.streams.get_records(ShardIterator=again["NextShardIterator"], Limit=1000)
        self.assertEqual([r["dynamodb"]["Keys"] for r in page["Records"]], [late])

    def test_get_records_limit_range(self):
        _, arn = self.stream_table("KEYS_ONLY")
        iterator = self.iterator(arn, "LATEST")
        self.streams.get_records(ShardIterator=iterator, Limit=1000)
        for limit in (0, -1, 1001):
            with self.subTest(limit=limit):
                response = self.assertError("ValidationException", None, self.unchecked.get_records,
                                            ShardIterator=iterator, Limit=limit)
                self.assertIn("imit", response["Error"]["Message"])
        self.assertError("ValidationException", "Member must have value greater than or equal to 1",
                         self.unchecked.get_records, ShardIterator=iterator, Limit=0)

    def test_invalid_iterators(self):
        _, arn = self.stream_table("KEYS_ONLY")
        shard = self.shard_id(arn)
        self.assertError("ValidationException", None, self.streams.get_records,
                         ShardIterator="sdfsdfsgagaddafgagasgasgasdfasdfasdfasdfasdgasdasdgasdg")
        self.assertError("ValidationException", None, self.streams.get_shard_iterator,
                         StreamArn=arn, ShardId=shard, ShardIteratorType="bulle")
        self.assertError("ValidationException", None, self.streams.get_shard_iterator,
                         StreamArn=arn, ShardId=shard, ShardIteratorType="AT_SEQUENCE_NUMBER",
                         SequenceNumber="sdfsafglldfngjdafnasdflgnaldklkafdsgklnasdlv")
        # a shard the stream does not have (message as real DynamoDB Streams words it)
        self.assertError("ResourceNotFoundException", "Requested resource not found: Shard does not exist",
                         self.streams.get_shard_iterator, StreamArn=arn,
                         ShardId="shardId-00000000000000000000-00000000", ShardIteratorType="LATEST")

    def test_trim_horizon_and_latest_take_no_sequence_number(self):
        table, arn = self.stream_table("KEYS_ONLY")
        self.ddb.put_item(TableName=table, Item={"pk": S(unique("seq"))})
        [record] = self.read(arn)
        for kind in ("TRIM_HORIZON", "LATEST"):
            with self.subTest(kind=kind):
                self.assertError("ValidationException", None, self.streams.get_shard_iterator,
                                 StreamArn=arn, ShardId=self.shard_id(arn), ShardIteratorType=kind,
                                 SequenceNumber=record["dynamodb"]["SequenceNumber"])

    # -- ListStreams, DescribeStream, DescribeTable ---------------------------------

    def test_table_and_stream_descriptions(self):
        created = self.create_table("NEW_IMAGE", sort_key=("sk", "N"))
        table, arn, label = created["TableName"], created["LatestStreamArn"], created["LatestStreamLabel"]
        self.assertEqual(created["StreamSpecification"], {"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"})
        self.assertRegex(label, LABEL)
        self.assertEqual(arn, "%s/stream/%s" % (created["TableArn"], label))
        described = self.ddb.describe_table(TableName=table)["Table"]
        self.assertEqual(described["StreamSpecification"], {"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"})
        self.assertEqual((described["LatestStreamArn"], described["LatestStreamLabel"]), (arn, label))

        self.assertEqual(self.streams.list_streams(TableName=table)["Streams"],
                         [{"StreamArn": arn, "TableName": table, "StreamLabel": label}])
        d = self.streams.describe_stream(StreamArn=arn)["StreamDescription"]
        self.assertEqual(d["StreamArn"], arn)
        self.assertEqual(d["StreamLabel"], label)
        self.assertEqual(d["StreamStatus"], "ENABLED")
        self.assertEqual(d["StreamViewType"], "NEW_IMAGE")
        self.assertEqual(d["TableName"], table)
        self.assertEqual(d["KeySchema"], [{"AttributeName": "pk", "KeyType": "HASH"},
                                          {"AttributeName": "sk", "KeyType": "RANGE"}])
        self.assertIsInstance(d["CreationRequestDateTime"], datetime.datetime)
        self.assertNotIn("LastEvaluatedShardId", d)
        [shard] = d["Shards"]
        self.assertTrue(shard["ShardId"].startswith("shardId-"))
        self.assertTrue(28 <= len(shard["ShardId"]) <= 65, shard["ShardId"])
        self.assertNotIn("ParentShardId", shard)
        self.assertTrue(shard["SequenceNumberRange"]["StartingSequenceNumber"].isdecimal())
        self.assertNotIn("EndingSequenceNumber", shard["SequenceNumberRange"])  # open
        self.assertEqual(len(self.streams.describe_stream(StreamArn=arn, Limit=1)["StreamDescription"]["Shards"]), 1)
        self.assertError("ValidationException", None, self.unchecked.describe_stream, StreamArn=arn, Limit=0)

    def test_describe_stream_exclusive_start_shard_id(self):
        _, arn = self.stream_table("KEYS_ONLY")
        shard = self.shard_id(arn)
        # shards come in shard id order: none follows the only one, nor a shard id past it
        for start in (shard, "zzzzzzzzzzzzzzzzzzzzzzzzsfasdgagadfadfgagkjsdfsfsdjfjks"):
            with self.subTest(exclusive_start=start):
                d = self.streams.describe_stream(StreamArn=arn, ExclusiveStartShardId=start)["StreamDescription"]
                self.assertEqual(d["Shards"], [])
                self.assertNotIn("LastEvaluatedShardId", d)

    def test_a_table_without_a_stream(self):
        plain = self.create_table(stream=False)
        self.assertNotIn("LatestStreamArn", plain)
        self.assertNotIn("LatestStreamLabel", plain)
        described = self.ddb.describe_table(TableName=plain["TableName"])["Table"]
        self.assertNotIn("LatestStreamArn", described)
        self.assertNotIn("LatestStreamLabel", described)
        self.assertEqual(self.streams.list_streams(TableName=plain["TableName"])["Streams"], [])
        listed = self._all_streams()
        self.assertNotIn(plain["TableName"], [s["TableName"] for s in listed])
        # writes to it work as ever
        self.ddb.put_item(TableName=plain["TableName"], Item={"pk": S("x")})

    def _all_streams(self, **kwargs):
        streams, start = [], {}
        for _ in range(1000):
            page = self.streams.list_streams(**kwargs, **start)
            streams += page["Streams"]
            if "LastEvaluatedStreamArn" not in page:
                return streams
            start = {"ExclusiveStartStreamArn": page["LastEvaluatedStreamArn"]}
        self.fail("ListStreams never ended")

    def test_list_streams_filters_and_pages(self):
        tables = {}
        for view_type in ("KEYS_ONLY", "NEW_IMAGE", "OLD_IMAGE"):
            table, arn = self.stream_table(view_type)
            tables[arn] = table
        # Limit=1: one stream a page, each stream once
        pages, listed = 0, []
        page = self.streams.list_streams(Limit=1)
        while True:
            pages += 1
            self.assertLessEqual(len(page["Streams"]), 1)
            listed += page["Streams"]
            if "LastEvaluatedStreamArn" not in page:
                break
            self.assertEqual(page["LastEvaluatedStreamArn"], page["Streams"][-1]["StreamArn"])
            page = self.streams.list_streams(Limit=1, ExclusiveStartStreamArn=page["LastEvaluatedStreamArn"])
        arns = [s["StreamArn"] for s in listed]
        self.assertEqual(len(arns), len(set(arns)))
        for arn, table in tables.items():
            self.assertIn(arn, arns)
            [entry] = [s for s in listed if s["StreamArn"] == arn]
            self.assertEqual(entry["TableName"], table)
            self.assertRegex(entry["StreamLabel"], LABEL)
        self.assertGreaterEqual(pages, len(tables))
        self.assertEqual(sorted(s["StreamArn"] for s in self._all_streams(Limit=2)), sorted(arns))
        for arn, table in tables.items():
            self.assertEqual([s["StreamArn"] for s in self.streams.list_streams(TableName=table)["Streams"]], [arn])
        # streams are regional
        west = self.server.client("dynamodbstreams", region="us-west-2")
        self.assertEqual([s for s in west.list_streams()["Streams"] if s["StreamArn"] in tables], [])

    def test_list_streams_limit_range(self):
        self.stream_table("KEYS_ONLY")
        self.streams.list_streams(Limit=100)
        for limit in (0, 101):
            with self.subTest(limit=limit):
                self.assertError("ValidationException", None, self.unchecked.list_streams, Limit=limit)

    def test_list_streams_refuses_a_malformed_exclusive_start_stream_arn(self):
        self.stream_table("KEYS_ONLY")
        self.assertError("ValidationException", None, self.streams.list_streams,
                         ExclusiveStartStreamArn="kossaapaaasdafsdaasdasdasdasasdasfadfadfasdasdas")

    def test_unknown_stream_arns(self):
        table, arn = self.stream_table("KEYS_ONLY")
        shard = self.shard_id(arn)
        unknown = arn.rsplit("/stream/", 1)[0].replace(table, unique("gone")) + "/stream/2015-05-11T21:21:33.291"
        self.assertError("ResourceNotFoundException", "Requested resource not found: Stream: %s not found" % unknown,
                         self.streams.describe_stream, StreamArn=unknown)
        self.assertError("ResourceNotFoundException", None, self.streams.get_shard_iterator,
                         StreamArn=unknown, ShardId=shard, ShardIteratorType="TRIM_HORIZON")
        # another stream label of an existing table is no stream either
        other_label = arn.rsplit("/stream/", 1)[0] + "/stream/2015-05-11T21:21:33.291"
        self.assertError("ResourceNotFoundException", None, self.streams.describe_stream, StreamArn=other_label)

    def test_a_stream_arn_that_is_no_arn_is_invalid(self):
        _, arn = self.stream_table("KEYS_ONLY")
        shard = self.shard_id(arn)
        malformed = "sdfadfsdfnlfkajakfgjalksfgklasjklasdjfklasdfasdfgasf"
        self.assertError("ValidationException", None, self.streams.describe_stream, StreamArn=malformed)
        self.assertError("ValidationException", None, self.streams.get_shard_iterator,
                         StreamArn=malformed, ShardId=shard, ShardIteratorType="LATEST")

    # -- the end of a stream --------------------------------------------------------

    def test_delete_table_leaves_the_stream_disabled_and_readable(self):
        table, arn = self.stream_table("NEW_AND_OLD_IMAGES", sort_key=("sk", "S"))
        keys = [{"pk": S("p"), "sk": S("s%d" % i)} for i in range(3)]
        for k in keys:
            self.ddb.put_item(TableName=table, Item=dict(k, v=N(1)))
        early = self.iterator(arn)  # handed out while the stream was open
        last = self.read(arn)[-1]["dynamodb"]["SequenceNumber"]
        self.ddb.delete_table(TableName=table)
        # deleting the table removes no items one by one: no REMOVE records
        d = self.wait_for_status(arn, "DISABLED")
        self.assertEqual((d["TableName"], d["StreamViewType"]), (table, "NEW_AND_OLD_IMAGES"))
        self.assertEqual(d["KeySchema"], [{"AttributeName": "pk", "KeyType": "HASH"},
                                          {"AttributeName": "sk", "KeyType": "RANGE"}])
        [shard] = d["Shards"]
        ending = shard["SequenceNumberRange"].get("EndingSequenceNumber")
        self.assertIsNotNone(ending, shard)  # closed
        self.assertTrue(ending.isdecimal())
        self.assertGreaterEqual(int(ending), int(last))
        with self.assertRaises(ClientError) as cm:
            self.ddb.describe_table(TableName=table)
        self.assertEqual(cm.exception.response["Error"]["Code"], "ResourceNotFoundException")

        for iterator in (early, self.iterator(arn)):
            records, next_iterator = self.drain(iterator)
            self.assertEqual(self.summary(records), [("INSERT", k, None, dict(k, v=N(1))) for k in keys])
            if next_iterator:  # the end of a closed shard: no NextShardIterator
                page = self.streams.get_records(ShardIterator=next_iterator)
                self.assertEqual(page["Records"], [])
                self.assertNotIn("NextShardIterator", page)
        after = self.streams.get_records(ShardIterator=self.iterator(arn, "AFTER_SEQUENCE_NUMBER", last))
        self.assertEqual(after["Records"], [])
        self.assertNotIn("NextShardIterator", after)

    def test_deleting_a_table_closes_an_empty_stream_too(self):
        table, arn = self.stream_table("KEYS_ONLY")
        self.ddb.delete_table(TableName=table)
        d = self.wait_for_status(arn, "DISABLED")
        [shard] = d["Shards"]
        self.assertIn("EndingSequenceNumber", shard["SequenceNumberRange"], shard)
        page = self.streams.get_records(ShardIterator=self.iterator(arn))
        self.assertEqual(page["Records"], [])
        if "NextShardIterator" in page:
            page = self.streams.get_records(ShardIterator=page["NextShardIterator"])
            self.assertEqual(page["Records"], [])
            self.assertNotIn("NextShardIterator", page)

    def wait_for_status(self, arn, status, timeout=30):
        """DescribeStream until StreamStatus is `status` (DynamoDB passes DISABLING on the way)."""
        deadline = time.monotonic() + timeout
        while True:
            d = self.streams.describe_stream(StreamArn=arn)["StreamDescription"]
            if d["StreamStatus"] == status or time.monotonic() > deadline:
                self.assertEqual(d["StreamStatus"], status)
                return d
            self.assertEqual(d["StreamStatus"], "DISABLING")
            time.sleep(0.5)

    def test_time_to_live_deletions_are_the_services(self):
        table, arn = self.stream_table("NEW_AND_OLD_IMAGES")
        self.ddb.update_time_to_live(TableName=table, TimeToLiveSpecification={"Enabled": True, "AttributeName": "exp"})
        key = {"pk": S(unique("ttl"))}
        item = dict(key, exp=N(int(time.time()) - 3600))
        self.ddb.put_item(TableName=table, Item=item)
        iterator = self.iterator(arn)
        records = []
        deadline = time.monotonic() + 30  # DynamoDB itself may take days; Stratus sweeps each second
        while len(records) < 2 and time.monotonic() < deadline:
            page = self.streams.get_records(ShardIterator=iterator)
            records += page["Records"]
            iterator = page["NextShardIterator"]
            if len(records) < 2:
                time.sleep(0.5)
        self.assertEqual(self.summary(records), [("INSERT", key, None, item), ("REMOVE", key, item, None)])
        self.assertNotIn("userIdentity", records[0])
        # DynamoDB Streams and Time to Live: the service deleted it
        self.assertEqual(records[1]["userIdentity"], {"PrincipalId": "dynamodb.amazonaws.com", "Type": "Service"})

    # -- durability -------------------------------------------------------------------

    def test_records_and_streams_survive_a_restart(self):
        harness.require_restartable()
        table, arn = self.stream_table("NEW_AND_OLD_IMAGES")
        closed_table, closed_arn = self.stream_table("KEYS_ONLY")
        key = {"pk": S(unique("durable"))}
        self.ddb.put_item(TableName=table, Item=dict(key, v=N(1)))
        self.ddb.update_item(TableName=table, Key=key, UpdateExpression="SET v = :v",
                             ExpressionAttributeValues={":v": N(2)})
        self.ddb.put_item(TableName=closed_table, Item=key)
        self.ddb.delete_table(TableName=closed_table)
        before, open_iterator = self.drain(self.iterator(arn))
        self.assertEqual(len(before), 2)
        description = self.streams.describe_stream(StreamArn=arn)["StreamDescription"]

        self.server.stop()
        self.server.start()
        type(self).make_clients()

        self.assertEqual(self.read(arn), before)
        self.assertEqual(self.streams.describe_stream(StreamArn=arn)["StreamDescription"], description)
        self.assertEqual(self.ddb.describe_table(TableName=table)["Table"]["LatestStreamArn"], arn)
        self.assertIn(arn, [s["StreamArn"] for s in self.streams.list_streams(TableName=table)["Streams"]])
        # new records follow the old ones, and an iterator from before the restart reads them
        self.ddb.delete_item(TableName=table, Key=key)
        after, _ = self.drain(open_iterator)
        self.assertEqual(self.summary(after), [("REMOVE", key, dict(key, v=N(2)), None)])
        self.assertIncreasing(before + after)
        self.assertEqual(self.read(arn), before + after)
        # the deleted table's stream is still DISABLED, closed and readable
        d = self.streams.describe_stream(StreamArn=closed_arn)["StreamDescription"]
        self.assertEqual(d["StreamStatus"], "DISABLED")
        self.assertIn("EndingSequenceNumber", d["Shards"][0]["SequenceNumberRange"])
        self.assertEqual([r["dynamodb"]["Keys"] for r in self.read(closed_arn)], [key])


@unittest.skipUnless(harness.aws_cli_installed(), "AWS CLI not installed at %s" % harness.AWS_CLI)
class DynamoDbStreamsCliTest(harness.AwsCliMixin, StreamsTestCase):
    cli_service = "dynamodbstreams"

    def test_cli_reads_a_stream(self):
        table, arn = self.stream_table("NEW_AND_OLD_IMAGES")
        key = {"pk": S(unique("cli"))}
        self.ddb.put_item(TableName=table, Item=dict(key, v=S("one")))
        self.ddb.update_item(TableName=table, Key=key, UpdateExpression="SET v = :v",
                             ExpressionAttributeValues={":v": S("two")})
        self.ddb.delete_item(TableName=table, Key=key)

        listed = self.aws("list-streams", "--table-name", table)["Streams"]
        self.assertEqual([s["StreamArn"] for s in listed], [arn])
        self.assertEqual(listed[0]["TableName"], table)
        d = self.aws("describe-stream", "--stream-arn", arn)["StreamDescription"]
        self.assertEqual((d["StreamArn"], d["StreamStatus"], d["StreamViewType"], d["TableName"]),
                         (arn, "ENABLED", "NEW_AND_OLD_IMAGES", table))
        shard = d["Shards"][0]["ShardId"]
        iterator = self.aws("get-shard-iterator", "--stream-arn", arn, "--shard-id", shard,
                            "--shard-iterator-type", "TRIM_HORIZON")["ShardIterator"]
        page = self.aws("get-records", "--shard-iterator", iterator, "--limit", "2")
        self.assertIn("NextShardIterator", page)
        records = page["Records"]
        records += self.aws("get-records", "--shard-iterator", page["NextShardIterator"])["Records"]
        self.assertEqual([r["eventName"] for r in records], ["INSERT", "MODIFY", "REMOVE"])
        for r in records:
            self.assertEqual(r["eventSource"], "aws:dynamodb")
            self.assertEqual(r["dynamodb"]["Keys"], key)
            self.assertIn("ApproximateCreationDateTime", r["dynamodb"])
        self.assertEqual(records[1]["dynamodb"]["OldImage"], dict(key, v=S("one")))
        self.assertEqual(records[1]["dynamodb"]["NewImage"], dict(key, v=S("two")))
        self.assertNotIn("NewImage", records[2]["dynamodb"])
        # AFTER_SEQUENCE_NUMBER from the CLI
        after = self.aws("get-shard-iterator", "--stream-arn", arn, "--shard-id", shard,
                         "--shard-iterator-type", "AFTER_SEQUENCE_NUMBER",
                         "--sequence-number", records[1]["dynamodb"]["SequenceNumber"])["ShardIterator"]
        self.assertEqual([r["eventName"] for r in self.aws("get-records", "--shard-iterator", after)["Records"]],
                         ["REMOVE"])

    def test_cli_unknown_stream(self):
        _, arn = self.stream_table("KEYS_ONLY")
        unknown = arn.rsplit("/stream/", 1)[0] + "/stream/2015-05-11T21:21:33.291"
        proc = self.aws("describe-stream", "--stream-arn", unknown, check=False)
        self.assertEqual(proc.returncode, 254, proc.stderr)
        self.assertIn("An error occurred (ResourceNotFoundException) when calling the DescribeStream operation",
                      proc.stderr)


if __name__ == "__main__":
    unittest.main()
