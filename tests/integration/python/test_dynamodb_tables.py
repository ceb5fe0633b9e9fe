"""DynamoDB tables: CreateTable's validation and description, DescribeTable,
ListTables paging, DeleteTable, the x-amz-crc32 header the SDKs check, and tables
surviving a restart. (Items come next; see NOTES.md.)"""

import binascii
import unittest
import urllib.request

from botocore.exceptions import ClientError

try:
    from . import harness
    from .dynamodb_helpers import unique, keys, definitions
except ImportError:  # run with the test directory itself as the top level
    import harness
    from dynamodb_helpers import unique, keys, definitions

ACCOUNT = "000000000000"


class DynamoDbTablesTest(harness.ServerTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ddb = cls.server.client("dynamodb")
        # The server's own checks, not botocore's (older botocore checks lengths itself).
        cls.unchecked = cls.server.client("dynamodb", parameter_validation=False)

    def assertValidation(self, message_part, **kwargs):
        with self.assertRaises(ClientError) as cm:
            self.unchecked.create_table(**kwargs)
        error = cm.exception.response["Error"]
        self.assertEqual(error["Code"], "ValidationException", cm.exception.response)
        self.assertIn(message_part, error["Message"])
        self.assertEqual(cm.exception.response["ResponseMetadata"]["HTTPStatusCode"], 400)

    def create(self, name=None, **kwargs):
        kwargs.setdefault("KeySchema", keys(("pk", "HASH")))
        kwargs.setdefault("AttributeDefinitions", definitions(("pk", "S")))
        kwargs.setdefault("BillingMode", "PAY_PER_REQUEST")
        return self.ddb.create_table(TableName=name or unique("tbl"), **kwargs)["TableDescription"]

    def test_create_describe_and_wait(self):
        name = unique("tbl")
        created = self.create(name, KeySchema=keys(("pk", "HASH"), ("sk", "RANGE")),
                              AttributeDefinitions=definitions(("pk", "S"), ("sk", "N")))
        self.assertEqual(created["TableStatus"], "CREATING")
        self.assertEqual(created["TableArn"], "arn:aws:dynamodb:us-east-1:%s:table/%s" % (ACCOUNT, name))
        self.assertEqual(created["KeySchema"], keys(("pk", "HASH"), ("sk", "RANGE")))
        self.assertEqual(created["ItemCount"], 0)
        self.assertEqual(created["TableSizeBytes"], 0)
        self.assertEqual(created["BillingModeSummary"]["BillingMode"], "PAY_PER_REQUEST")
        self.assertEqual(created["ProvisionedThroughput"]["ReadCapacityUnits"], 0)
        self.ddb.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 10})
        described = self.ddb.describe_table(TableName=name)["Table"]
        self.assertEqual(described["TableStatus"], "ACTIVE")
        self.assertEqual(described["TableId"], created["TableId"])
        # by ARN too
        self.assertEqual(self.ddb.describe_table(TableName=created["TableArn"])["Table"]["TableName"], name)

    def test_provisioned_throughput_and_indexes(self):
        name = unique("tbl")
        created = self.create(
            name, BillingMode="PROVISIONED", ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 3},
            KeySchema=keys(("pk", "HASH"), ("sk", "RANGE")),
            AttributeDefinitions=definitions(("pk", "S"), ("sk", "S"), ("g", "N"), ("l", "S")),
            GlobalSecondaryIndexes=[{"IndexName": "byG", "KeySchema": keys(("g", "HASH")),
                                     "Projection": {"ProjectionType": "KEYS_ONLY"},
                                     "ProvisionedThroughput": {"ReadCapacityUnits": 1, "WriteCapacityUnits": 1}}],
            LocalSecondaryIndexes=[{"IndexName": "byL", "KeySchema": keys(("pk", "HASH"), ("l", "RANGE")),
                                    "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["x"]}}])
        self.assertEqual(created["ProvisionedThroughput"]["ReadCapacityUnits"], 5)
        self.assertEqual(created["ProvisionedThroughput"]["WriteCapacityUnits"], 3)
        self.assertNotIn("BillingModeSummary", created)
        [gsi] = created["GlobalSecondaryIndexes"]
        self.assertEqual(gsi["IndexName"], "byG")
        self.assertEqual(gsi["IndexStatus"], "ACTIVE")
        self.assertEqual(gsi["IndexArn"], created["TableArn"] + "/index/byG")
        [lsi] = created["LocalSecondaryIndexes"]
        self.assertEqual(lsi["Projection"], {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["x"]})

    def test_validation(self):
        self.assertValidation("Member must have length greater than or equal to 3", TableName="ab",
                              KeySchema=keys(("pk", "HASH")), AttributeDefinitions=definitions(("pk", "S")),
                              BillingMode="PAY_PER_REQUEST")
        self.assertValidation("Invalid KeySchema: The first KeySchemaElement is not a HASH key type",
                              TableName=unique("tbl"), KeySchema=keys(("pk", "RANGE")),
                              AttributeDefinitions=definitions(("pk", "S")), BillingMode="PAY_PER_REQUEST")
        self.assertValidation("Some index key attributes are not defined in AttributeDefinitions",
                              TableName=unique("tbl"), KeySchema=keys(("pk", "HASH")),
                              AttributeDefinitions=definitions(("other", "S")), BillingMode="PAY_PER_REQUEST")
        self.assertValidation("Number of attributes in KeySchema does not exactly match number of attributes defined",
                              TableName=unique("tbl"), KeySchema=keys(("pk", "HASH")),
                              AttributeDefinitions=definitions(("pk", "S"), ("extra", "N")), BillingMode="PAY_PER_REQUEST")
        self.assertValidation("ReadCapacityUnits and WriteCapacityUnits must both be specified",
                              TableName=unique("tbl"), KeySchema=keys(("pk", "HASH")),
                              AttributeDefinitions=definitions(("pk", "S")))
        self.assertValidation("Neither ReadCapacityUnits nor WriteCapacityUnits can be specified",
                              TableName=unique("tbl"), KeySchema=keys(("pk", "HASH")),
                              AttributeDefinitions=definitions(("pk", "S")), BillingMode="PAY_PER_REQUEST",
                              ProvisionedThroughput={"ReadCapacityUnits": 1, "WriteCapacityUnits": 1})
        self.assertValidation("Table KeySchema does not have a range key",
                              TableName=unique("tbl"), KeySchema=keys(("pk", "HASH")),
                              AttributeDefinitions=definitions(("pk", "S"), ("l", "S")), BillingMode="PAY_PER_REQUEST",
                              LocalSecondaryIndexes=[{"IndexName": "byL", "KeySchema": keys(("pk", "HASH"), ("l", "RANGE")),
                                                      "Projection": {"ProjectionType": "ALL"}}])

    def test_duplicate_and_missing_tables(self):
        name = unique("tbl")
        self.create(name)
        with self.assertRaises(ClientError) as cm:
            self.create(name)
        self.assertEqual(cm.exception.response["Error"]["Code"], "ResourceInUseException")
        with self.assertRaises(ClientError) as cm:
            self.ddb.describe_table(TableName=unique("tbl"))
        self.assertEqual(cm.exception.response["Error"]["Code"], "ResourceNotFoundException")
        self.assertIn("Requested resource not found", cm.exception.response["Error"]["Message"])

    def test_list_tables_pages_in_name_order(self):
        prefix = unique("page")
        names = ["%s-%d" % (prefix, i) for i in range(5)]
        for name in reversed(names):
            self.create(name)
        mine = []
        start = None
        while True:
            kwargs = {"Limit": 2}
            if start:
                kwargs["ExclusiveStartTableName"] = start
            page = self.ddb.list_tables(**kwargs)
            self.assertLessEqual(len(page["TableNames"]), 2)
            mine += [n for n in page["TableNames"] if n.startswith(prefix)]
            start = page.get("LastEvaluatedTableName")
            if not start:
                break
        self.assertEqual(mine, names)
        paginated = [n for p in self.ddb.get_paginator("list_tables").paginate() for n in p["TableNames"]]
        self.assertEqual(paginated, sorted(paginated))

    def test_deletion_protection(self):
        if "DeletionProtectionEnabled" not in self.ddb.meta.service_model.operation_model("CreateTable").input_shape.members:
            self.skipTest("this botocore has no DeletionProtectionEnabled")
        name = unique("tbl")
        self.create(name, DeletionProtectionEnabled=True)
        with self.assertRaises(ClientError) as cm:
            self.ddb.delete_table(TableName=name)
        self.assertEqual(cm.exception.response["Error"]["Code"], "ValidationException")

    def test_delete_table(self):
        other = unique("tbl")
        self.create(other)
        deleted = self.ddb.delete_table(TableName=other)["TableDescription"]
        self.assertEqual(deleted["TableStatus"], "DELETING")
        self.ddb.get_waiter("table_not_exists").wait(TableName=other, WaiterConfig={"Delay": 1, "MaxAttempts": 10})
        self.assertNotIn(other, self.ddb.list_tables()["TableNames"])

    def test_tags(self):
        arn = self.create()["TableArn"]
        self.ddb.tag_resource(ResourceArn=arn, Tags=[{"Key": "team", "Value": "orders"}, {"Key": "env", "Value": "dev"}])
        self.ddb.untag_resource(ResourceArn=arn, TagKeys=["env"])
        self.assertEqual(self.ddb.list_tags_of_resource(ResourceArn=arn)["Tags"], [{"Key": "team", "Value": "orders"}])
        missing = "arn:aws:dynamodb:us-east-1:%s:table/%s" % (ACCOUNT, unique("tbl"))
        with self.assertRaises(ClientError) as cm:
            self.ddb.list_tags_of_resource(ResourceArn=missing)
        self.assertEqual(cm.exception.response["Error"]["Code"], "ResourceNotFoundException")

    def test_time_to_live_settings(self):
        name = self.create()["TableName"]
        self.assertEqual(self.ddb.describe_time_to_live(TableName=name)["TimeToLiveDescription"],
                         {"TimeToLiveStatus": "DISABLED"})
        answer = self.ddb.update_time_to_live(TableName=name, TimeToLiveSpecification={"Enabled": True,
                                                                                      "AttributeName": "expires"})
        self.assertEqual(answer["TimeToLiveSpecification"], {"Enabled": True, "AttributeName": "expires"})
        self.assertEqual(self.ddb.describe_time_to_live(TableName=name)["TimeToLiveDescription"],
                         {"TimeToLiveStatus": "ENABLED", "AttributeName": "expires"})
        with self.assertRaises(ClientError) as cm:
            self.ddb.update_time_to_live(TableName=name, TimeToLiveSpecification={"Enabled": True,
                                                                                  "AttributeName": "expires"})
        self.assertEqual(cm.exception.response["Error"]["Code"], "ValidationException")
        self.assertIn("TimeToLive is already enabled", cm.exception.response["Error"]["Message"])

    def test_continuous_backups_limits_and_endpoints(self):
        name = self.create()["TableName"]
        described = self.ddb.describe_continuous_backups(TableName=name)["ContinuousBackupsDescription"]
        self.assertEqual(described["PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"], "DISABLED")
        updated = self.ddb.update_continuous_backups(
            TableName=name, PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True})
        self.assertEqual(updated["ContinuousBackupsDescription"]["PointInTimeRecoveryDescription"]
                         ["PointInTimeRecoveryStatus"], "ENABLED")
        limits = self.ddb.describe_limits()
        self.assertEqual(limits["TableMaxReadCapacityUnits"], 40000)
        endpoints = self.ddb.describe_endpoints()["Endpoints"]
        self.assertEqual(endpoints[0]["CachePeriodInMinutes"], 1440)

    def test_every_answer_carries_its_crc32(self):
        for target, body in (("DynamoDB_20120810.ListTables", b"{}"),
                             ("DynamoDB_20120810.DescribeTable", b'{"TableName": "missing-table"}')):
            request = urllib.request.Request(self.server.endpoint + "/", data=body, method="POST", headers={
                "X-Amz-Target": target, "Content-Type": "application/x-amz-json-1.0",
                "Authorization": "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261128/us-east-1/dynamodb/aws4_request, "
                                 "SignedHeaders=host, Signature=0"})
            try:
                response = urllib.request.urlopen(request)
            except urllib.error.HTTPError as error:
                response = error
            payload = response.read()
            self.assertEqual(int(response.headers["x-amz-crc32"]), binascii.crc32(payload) & 0xFFFFFFFF)

    def test_tables_survive_a_restart(self):
        harness.require_restartable()
        name = unique("tbl")
        created = self.create(name, KeySchema=keys(("pk", "HASH"), ("sk", "RANGE")),
                              AttributeDefinitions=definitions(("pk", "S"), ("sk", "B")))
        self.server.stop()
        self.server.start()
        type(self).ddb = self.server.client("dynamodb")
        described = self.ddb.describe_table(TableName=name)["Table"]
        self.assertEqual(described["TableId"], created["TableId"])
        self.assertEqual(described["KeySchema"], created["KeySchema"])
        self.assertEqual(described["AttributeDefinitions"], created["AttributeDefinitions"])


if __name__ == "__main__":
    unittest.main()
