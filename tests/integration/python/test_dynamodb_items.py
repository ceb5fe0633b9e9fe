"""DynamoDB items: PutItem, GetItem, DeleteItem and Scan with DynamoDB's key checks and
messages, ReturnValues, consumed capacity, paging, exact numbers, and items that
survive a restart. Expressions are in test_dynamodb_expressions.py."""

import decimal
import unittest

from botocore.exceptions import ClientError

try:
    from . import harness
    from .dynamodb_helpers import unique
except ImportError:  # run with the test directory itself as the top level
    import harness
    from dynamodb_helpers import unique


class DynamoDbItemsTest(harness.ServerTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ddb = cls.server.client("dynamodb")
        cls.table = unique("items")
        cls.ddb.create_table(
            TableName=cls.table, BillingMode="PAY_PER_REQUEST",
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                                  {"AttributeName": "sk", "AttributeType": "N"},
                                  {"AttributeName": "g", "AttributeType": "S"}],
            GlobalSecondaryIndexes=[{"IndexName": "byG", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                                     "Projection": {"ProjectionType": "ALL"}}])

    def assertError(self, code, message, call, **kwargs):
        with self.assertRaises(ClientError) as cm:
            call(TableName=self.table, **kwargs)
        self.assertEqual(cm.exception.response["Error"]["Code"], code, cm.exception.response)
        self.assertIn(message, cm.exception.response["Error"]["Message"])

    def test_put_get_and_every_type_round_trip(self):
        pk = unique("p")
        item = {"pk": {"S": pk}, "sk": {"N": "1"}, "s": {"S": "text"}, "n": {"N": "-12.500"},
                "b": {"B": b"\x00\x01\xff"}, "t": {"BOOL": True}, "z": {"NULL": True},
                "ss": {"SS": ["a", "b"]}, "ns": {"NS": ["1", "2.5"]}, "bs": {"BS": [b"x", b"y"]},
                "l": {"L": [{"S": "x"}, {"N": "1"}]}, "m": {"M": {"k": {"S": "v"}}}}
        self.ddb.put_item(TableName=self.table, Item=item)
        got = self.ddb.get_item(TableName=self.table, Key={"pk": {"S": pk}, "sk": {"N": "1"}}, ConsistentRead=True)["Item"]
        expected = dict(item, n={"N": "-12.5"})  # numbers come back normalized
        self.assertEqual({k: v for k, v in got.items() if k not in ("ss", "ns", "bs")},
                         {k: v for k, v in expected.items() if k not in ("ss", "ns", "bs")})
        self.assertEqual(sorted(got["ss"]["SS"]), ["a", "b"])
        self.assertEqual(sorted(got["ns"]["NS"]), ["1", "2.5"])
        self.assertEqual(sorted(got["bs"]["BS"]), [b"x", b"y"])
        only = self.ddb.get_item(TableName=self.table, Key={"pk": {"S": pk}, "sk": {"N": "1"}},
                                 AttributesToGet=["s", "t"])["Item"]
        self.assertEqual(only, {"s": {"S": "text"}, "t": {"BOOL": True}})

    def test_missing_item_has_no_item_member(self):
        response = self.ddb.get_item(TableName=self.table, Key={"pk": {"S": unique("none")}, "sk": {"N": "0"}})
        self.assertNotIn("Item", response)

    def test_numbers_are_exact(self):
        pk = unique("num")
        value = "12345678901234567890123456789012345678"
        self.ddb.put_item(TableName=self.table, Item={"pk": {"S": pk}, "sk": {"N": "0.1"}, "big": {"N": value}})
        got = self.ddb.get_item(TableName=self.table, Key={"pk": {"S": pk}, "sk": {"N": "0.10"}})["Item"]
        self.assertEqual(got["big"]["N"], value)
        self.assertEqual(got["sk"]["N"], "0.1")

    def test_return_values_and_consumed_capacity(self):
        pk = unique("rv")
        key = {"pk": {"S": pk}, "sk": {"N": "1"}}
        first = self.ddb.put_item(TableName=self.table, Item=dict(key, v={"S": "one"}), ReturnValues="ALL_OLD",
                                  ReturnConsumedCapacity="TOTAL")
        self.assertNotIn("Attributes", first)
        self.assertEqual(first["ConsumedCapacity"], {"TableName": self.table, "CapacityUnits": 1.0})
        second = self.ddb.put_item(TableName=self.table, Item=dict(key, v={"S": "two"}), ReturnValues="ALL_OLD")
        self.assertEqual(second["Attributes"]["v"], {"S": "one"})
        read = self.ddb.get_item(TableName=self.table, Key=key, ReturnConsumedCapacity="TOTAL")
        self.assertEqual(read["ConsumedCapacity"]["CapacityUnits"], 0.5)  # eventually consistent: half a unit
        deleted = self.ddb.delete_item(TableName=self.table, Key=key, ReturnValues="ALL_OLD")
        self.assertEqual(deleted["Attributes"]["v"], {"S": "two"})
        self.assertNotIn("Item", self.ddb.get_item(TableName=self.table, Key=key))
        self.assertError("ValidationException", "Return values set to invalid value", self.ddb.put_item,
                         Item=key, ReturnValues="ALL_NEW")

    def test_key_checks(self):
        self.assertError("ValidationException", "Missing the key sk in the item", self.ddb.put_item,
                         Item={"pk": {"S": "x"}})
        self.assertError("ValidationException", "Type mismatch for key pk expected: S actual: N", self.ddb.put_item,
                         Item={"pk": {"N": "1"}, "sk": {"N": "1"}})
        self.assertError("ValidationException", "cannot contain an empty string value", self.ddb.put_item,
                         Item={"pk": {"S": ""}, "sk": {"N": "1"}})
        self.assertError("ValidationException", "Type mismatch for Index Key g Expected: S Actual: N", self.ddb.put_item,
                         Item={"pk": {"S": "x"}, "sk": {"N": "1"}, "g": {"N": "5"}})
        self.assertError("ValidationException", "The provided key element does not match the schema", self.ddb.get_item,
                         Key={"pk": {"S": "x"}})
        self.assertError("ValidationException", "The provided key element does not match the schema", self.ddb.get_item,
                         Key={"pk": {"S": "x"}, "sk": {"N": "1"}, "extra": {"S": "y"}})
        self.assertError("ValidationException", "Item size has exceeded the maximum allowed size", self.ddb.put_item,
                         Item={"pk": {"S": "big"}, "sk": {"N": "1"}, "blob": {"S": "x" * (400 * 1024)}})
        with self.assertRaises(ClientError) as cm:
            self.ddb.get_item(TableName=unique("missing"), Key={"pk": {"S": "x"}})
        self.assertEqual(cm.exception.response["Error"]["Code"], "ResourceNotFoundException")

    def test_scan_pages_in_key_order(self):
        table = unique("scan")
        self.ddb.create_table(TableName=table, BillingMode="PAY_PER_REQUEST",
                              KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                              AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "N"}])
        for i in range(7):
            self.ddb.put_item(TableName=table, Item={"id": {"N": str(i)}, "v": {"S": "x" * i}})
        seen, pages, start = [], 0, None
        while True:
            kwargs = {"TableName": table, "Limit": 3}
            if start:
                kwargs["ExclusiveStartKey"] = start
            page = self.ddb.scan(**kwargs)
            pages += 1
            self.assertLessEqual(page["Count"], 3)
            seen += [int(i["id"]["N"]) for i in page["Items"]]
            start = page.get("LastEvaluatedKey")
            if not start:
                break
        self.assertEqual(sorted(seen), list(range(7)))
        self.assertEqual(pages, 3)
        counted = self.ddb.scan(TableName=table, Select="COUNT")
        self.assertEqual(counted["Count"], 7)
        self.assertNotIn("Items", counted)
        described = self.ddb.describe_table(TableName=table)["Table"]
        self.assertEqual(described["ItemCount"], 7)
        self.assertGreater(described["TableSizeBytes"], 0)

    def test_items_survive_a_restart(self):
        harness.require_restartable()
        pk = unique("durable")
        self.ddb.put_item(TableName=self.table, Item={"pk": {"S": pk}, "sk": {"N": "7"}, "v": {"S": "kept"}})
        self.server.stop()
        self.server.start()
        type(self).ddb = self.server.client("dynamodb")
        got = self.ddb.get_item(TableName=self.table, Key={"pk": {"S": pk}, "sk": {"N": "7"}})["Item"]
        self.assertEqual(got["v"], {"S": "kept"})

    def test_counts_survive_kill9_and_a_dropped_table_leaves_none(self):
        harness.require_restartable()
        indexed, dropped = unique("counted"), unique("dropped")
        self.ddb.create_table(
            TableName=indexed, BillingMode="PAY_PER_REQUEST",
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "g", "AttributeType": "S"}],
            GlobalSecondaryIndexes=[{"IndexName": "by-g", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                                     "Projection": {"ProjectionType": "ALL"}}])
        def create_dropped():
            self.ddb.create_table(TableName=dropped, BillingMode="PAY_PER_REQUEST",
                                  KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                                  AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}])

        create_dropped()
        for i in range(30):
            item = {"pk": {"S": "p%d" % i}, "v": {"S": "x" * i}}
            if i % 3 == 0:
                item["g"] = {"S": "g%d" % (i % 2)}
            self.ddb.put_item(TableName=indexed, Item=item)
            self.ddb.put_item(TableName=dropped, Item={"pk": {"S": "p%d" % i}})
        for i in range(0, 30, 5):
            self.ddb.delete_item(TableName=indexed, Key={"pk": {"S": "p%d" % i}})
        self.ddb.update_item(TableName=indexed, Key={"pk": {"S": "p1"}}, UpdateExpression="SET v = :v",
                             ExpressionAttributeValues={":v": {"S": "y" * 300}})
        self.ddb.delete_table(TableName=dropped)
        before = self.ddb.describe_table(TableName=indexed)["Table"]
        self.assertEqual(before["ItemCount"], 24)
        self.assertEqual(before["GlobalSecondaryIndexes"][0]["ItemCount"], 8)

        self.server.kill9()
        self.server.start()
        type(self).ddb = self.server.client("dynamodb")
        after = self.ddb.describe_table(TableName=indexed)["Table"]
        self.assertEqual(after["ItemCount"], before["ItemCount"])
        self.assertEqual(after["TableSizeBytes"], before["TableSizeBytes"])
        self.assertEqual(after["GlobalSecondaryIndexes"][0]["ItemCount"], 8)
        self.assertEqual(after["GlobalSecondaryIndexes"][0]["IndexSizeBytes"],
                         before["GlobalSecondaryIndexes"][0]["IndexSizeBytes"])
        create_dropped()
        again = self.ddb.describe_table(TableName=dropped)["Table"]
        self.assertEqual((again["ItemCount"], again["TableSizeBytes"]), (0, 0))
        self.assertEqual(self.ddb.scan(TableName=dropped)["Count"], 0)

    def test_resource_layer_round_trips_decimals(self):
        import boto3
        table = boto3.resource("dynamodb", endpoint_url=self.server.endpoint, region_name="us-east-1",
                               aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key=harness.DUMMY_SECRET).Table(self.table)
        pk = unique("res")
        table.put_item(Item={"pk": pk, "sk": 1, "price": decimal.Decimal("19.99"), "tags": {"a", "b"}})
        got = table.get_item(Key={"pk": pk, "sk": 1})["Item"]
        self.assertEqual(got["price"], decimal.Decimal("19.99"))
        self.assertEqual(got["tags"], {"a", "b"})


if __name__ == "__main__":
    unittest.main()
