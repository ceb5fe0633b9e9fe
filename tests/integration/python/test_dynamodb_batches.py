"""DynamoDB batches and transactions: BatchWriteItem and BatchGetItem across tables
(limits, duplicate keys, oversized items and missing tables reject the whole batch,
consumed capacity, the resource layer's batch_writer), TransactWriteItems (all or
nothing, CancellationReasons in request order, ReturnValuesOnConditionCheckFailure,
one operation per item, 100 actions, ClientRequestToken idempotency) and
TransactGetItems.

Messages asserted in full are DynamoDB's own (AWS API reference and developer guide,
texts quoted from real DynamoDB in public issues and in test suites run against it);
where only part of a message could be confirmed, only that part is asserted."""

import unittest
import uuid

from botocore.exceptions import ClientError

try:
    from . import harness
    from .dynamodb_helpers import unique, S, N
except ImportError:  # run with the test directory itself as the top level
    import harness
    from dynamodb_helpers import unique, S, N


class DynamoDbBatchesTest(harness.ServerTestCase):
    """Two tables: `hash_table` (id S) and `range_table` (pk S + sk N)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ddb = cls.server.client("dynamodb")
        # The server's own checks, not botocore's.
        cls.unchecked = cls.server.client("dynamodb", parameter_validation=False)
        cls.hash_table = cls.create_table(unique("bh"), [("id", "HASH")], [("id", "S")])
        cls.range_table = cls.create_table(unique("br"), [("pk", "HASH"), ("sk", "RANGE")], [("pk", "S"), ("sk", "N")])

    @classmethod
    def create_table(cls, name, key_schema, attributes):
        cls.ddb.create_table(TableName=name, BillingMode="PAY_PER_REQUEST",
                             KeySchema=[{"AttributeName": a, "KeyType": k} for a, k in key_schema],
                             AttributeDefinitions=[{"AttributeName": a, "AttributeType": t} for a, t in attributes])
        cls.ddb.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 30})
        return name

    def get(self, table, key):
        return self.ddb.get_item(TableName=table, Key=key, ConsistentRead=True).get("Item")

    def assertError(self, code, message, call, **kwargs):
        """`call(**kwargs)` fails with `code` and a message containing `message` (if any);
        returns the whole error response."""
        with self.assertRaises(ClientError) as cm:
            call(**kwargs)
        response = cm.exception.response
        self.assertEqual(response["Error"]["Code"], code, response)
        if message:
            self.assertIn(message, response["Error"]["Message"])
        self.assertEqual(response["ResponseMetadata"]["HTTPStatusCode"], 400)
        return response

    # -- BatchWriteItem ------------------------------------------------------------

    def test_batch_write_puts_and_deletes_across_tables(self):
        gone_h, gone_r = S(unique("old")), S(unique("old"))
        self.ddb.put_item(TableName=self.hash_table, Item={"id": gone_h, "v": S("old")})
        self.ddb.put_item(TableName=self.range_table, Item={"pk": gone_r, "sk": N(1), "v": S("old")})
        new_h = [S(unique("new")) for _ in range(3)]
        new_r = S(unique("new"))
        response = self.ddb.batch_write_item(RequestItems={
            self.hash_table: [{"PutRequest": {"Item": {"id": k, "v": S("new")}}} for k in new_h]
                             + [{"DeleteRequest": {"Key": {"id": gone_h}}}],
            self.range_table: [{"PutRequest": {"Item": {"pk": new_r, "sk": N(i), "n": N(i)}}} for i in range(2)]
                              + [{"DeleteRequest": {"Key": {"pk": gone_r, "sk": N(1)}}},
                                 {"DeleteRequest": {"Key": {"pk": gone_r, "sk": N(99)}}}],  # absent: no error
        }, ReturnConsumedCapacity="TOTAL")
        self.assertEqual(response["UnprocessedItems"], {})
        # each request of a small item is one write unit, deletes of absent items too
        self.assertEqual(sorted((c["TableName"], c["CapacityUnits"]) for c in response["ConsumedCapacity"]),
                         sorted([(self.hash_table, 4.0), (self.range_table, 4.0)]))
        for k in new_h:
            self.assertEqual(self.get(self.hash_table, {"id": k}), {"id": k, "v": S("new")})
        self.assertIsNone(self.get(self.hash_table, {"id": gone_h}))
        self.assertEqual(self.get(self.range_table, {"pk": new_r, "sk": N(1)}), {"pk": new_r, "sk": N(1), "n": N(1)})
        self.assertIsNone(self.get(self.range_table, {"pk": gone_r, "sk": N(1)}))
        # a put replaces the whole item
        self.ddb.batch_write_item(RequestItems={self.hash_table: [{"PutRequest": {"Item": {"id": new_h[0], "w": N(2)}}}]})
        self.assertEqual(self.get(self.hash_table, {"id": new_h[0]}), {"id": new_h[0], "w": N(2)})

    def test_batch_write_allows_25_requests_and_refuses_26(self):
        ids = [S(unique("lim")) for _ in range(26)]
        response = self.unchecked.batch_write_item(RequestItems={
            self.hash_table: [{"PutRequest": {"Item": {"id": k}}} for k in ids[:25]]})
        self.assertEqual(response["UnprocessedItems"], {})
        over = [S(unique("over")) for _ in range(26)]
        self.assertError("ValidationException", "Member must have length less than or equal to 25",
                         self.unchecked.batch_write_item,
                         RequestItems={self.hash_table: [{"PutRequest": {"Item": {"id": k}}} for k in over]})
        # the limit is per request, not per table: 13 + 13 across two tables is over it too
        self.assertError("ValidationException", None, self.unchecked.batch_write_item,
                         RequestItems={self.hash_table: [{"PutRequest": {"Item": {"id": k}}} for k in over[:13]],
                                       self.range_table: [{"PutRequest": {"Item": {"pk": k, "sk": N(0)}}}
                                                          for k in over[13:]]})
        for k in over:
            self.assertIsNone(self.get(self.hash_table, {"id": k}))
            self.assertIsNone(self.get(self.range_table, {"pk": k, "sk": N(0)}))

    def test_batch_write_rejects_duplicate_keys(self):
        k = S(unique("dup"))
        other = S(unique("dup"))
        for requests in (
                [{"PutRequest": {"Item": {"id": k, "v": N(1)}}}, {"PutRequest": {"Item": {"id": k, "v": N(2)}}}],
                [{"PutRequest": {"Item": {"id": k}}}, {"DeleteRequest": {"Key": {"id": k}}}],
                [{"DeleteRequest": {"Key": {"id": k}}}, {"DeleteRequest": {"Key": {"id": k}}}]):
            with self.subTest(requests=[list(r)[0] for r in requests]):
                self.assertError("ValidationException", "Provided list of item keys contains duplicates",
                                 self.ddb.batch_write_item,
                                 RequestItems={self.hash_table: [{"PutRequest": {"Item": {"id": other}}}] + requests})
        self.assertIsNone(self.get(self.hash_table, {"id": k}))
        self.assertIsNone(self.get(self.hash_table, {"id": other}))
        # the same key in two different tables is two items
        self.ddb.batch_write_item(RequestItems={self.hash_table: [{"PutRequest": {"Item": {"id": k}}}],
                                                self.range_table: [{"PutRequest": {"Item": {"pk": k, "sk": N(1)}}}]})
        # numbers are keys by value: 1 and 1.0 are the same sort key
        self.assertError("ValidationException", "Provided list of item keys contains duplicates",
                         self.ddb.batch_write_item,
                         RequestItems={self.range_table: [{"PutRequest": {"Item": {"pk": other, "sk": N("1")}}},
                                                          {"PutRequest": {"Item": {"pk": other, "sk": N("1.0")}}}]})

    def test_batch_write_rejects_an_oversized_item_and_writes_nothing(self):
        small = S(unique("small"))
        self.assertError("ValidationException", "Item size has exceeded the maximum allowed size",
                         self.ddb.batch_write_item, RequestItems={self.hash_table: [
                             {"PutRequest": {"Item": {"id": small}}},
                             {"PutRequest": {"Item": {"id": S(unique("big")), "blob": S("x" * (400 * 1024))}}}]})
        self.assertIsNone(self.get(self.hash_table, {"id": small}))

    def test_batch_write_key_errors(self):
        self.assertError("ValidationException", "The provided key element does not match the schema",
                         self.ddb.batch_write_item,
                         RequestItems={self.range_table: [{"PutRequest": {"Item": {"pk": S("no-sort-key")}}}]})
        self.assertError("ValidationException", "The provided key element does not match the schema",
                         self.ddb.batch_write_item,
                         RequestItems={self.hash_table: [{"DeleteRequest": {"Key": {"id": N(1)}}}]})

    def test_batch_write_to_a_missing_table_writes_nothing(self):
        kept = S(unique("kept"))
        self.assertError("ResourceNotFoundException", "Requested resource not found", self.ddb.batch_write_item,
                         RequestItems={self.hash_table: [{"PutRequest": {"Item": {"id": kept}}}],
                                       unique("missing"): [{"PutRequest": {"Item": {"id": S("x")}}}]})
        self.assertIsNone(self.get(self.hash_table, {"id": kept}))

    def test_resource_batch_writer_writes_more_than_25_items(self):
        import boto3
        table_name = self.create_table(unique("bw"), [("pk", "HASH"), ("sk", "RANGE")], [("pk", "S"), ("sk", "N")])
        resource = boto3.resource("dynamodb", endpoint_url=self.server.endpoint, region_name="us-east-1",
                                  aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key=harness.DUMMY_SECRET)
        table = resource.Table(table_name)
        with table.batch_writer() as batch:  # sends BatchWriteItem calls of at most 25 requests
            for i in range(110):
                batch.put_item(Item={"pk": "p", "sk": i, "payload": "item %d" % i})
        with table.batch_writer(overwrite_by_pkeys=["pk", "sk"]) as batch:
            for i in range(0, 110, 10):
                batch.delete_item(Key={"pk": "p", "sk": i})
            batch.put_item(Item={"pk": "p", "sk": 1, "payload": "first"})
            batch.put_item(Item={"pk": "p", "sk": 1, "payload": "replaced in the client"})
        seen = {}
        kwargs = {}
        while True:
            page = table.scan(ConsistentRead=True, **kwargs)
            seen.update({int(item["sk"]): item["payload"] for item in page["Items"]})
            if "LastEvaluatedKey" not in page:
                break
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
        self.assertEqual(sorted(seen), [i for i in range(110) if i % 10 != 0])
        self.assertEqual(seen[1], "replaced in the client")
        self.assertEqual(seen[109], "item 109")

    # -- BatchGetItem ---------------------------------------------------------------

    def test_batch_get_across_tables_with_projections(self):
        ids = [S(unique("g")) for _ in range(3)]
        pk = S(unique("g"))
        for i, k in enumerate(ids):
            self.ddb.put_item(TableName=self.hash_table, Item={"id": k, "v": N(i), "w": S("w%d" % i), "x": S("x")})
        for i in range(3):
            self.ddb.put_item(TableName=self.range_table, Item={"pk": pk, "sk": N(i), "v": N(i * 10)})
        response = self.ddb.batch_get_item(RequestItems={
            self.hash_table: {"Keys": [{"id": k} for k in ids] + [{"id": S(unique("absent"))}],
                              "ProjectionExpression": "#v, id", "ExpressionAttributeNames": {"#v": "v"}},
            self.range_table: {"Keys": [{"pk": pk, "sk": N(0)}, {"pk": pk, "sk": N(2)}, {"pk": pk, "sk": N(7)}]},
        })
        self.assertEqual(response["UnprocessedKeys"], {})
        got_h = sorted(response["Responses"][self.hash_table], key=lambda i: i["id"]["S"])
        self.assertEqual(got_h, sorted([{"id": k, "v": N(i)} for i, k in enumerate(ids)], key=lambda i: i["id"]["S"]))
        got_r = sorted(response["Responses"][self.range_table], key=lambda i: int(i["sk"]["N"]))
        self.assertEqual(got_r, [{"pk": pk, "sk": N(0), "v": N(0)}, {"pk": pk, "sk": N(2), "v": N(20)}])
        # a table whose keys all miss still answers, with an empty list
        none = self.ddb.batch_get_item(RequestItems={self.hash_table: {"Keys": [{"id": S(unique("absent"))}]}})
        self.assertEqual(none["Responses"], {self.hash_table: []})
        self.assertEqual(none["UnprocessedKeys"], {})
        legacy = self.ddb.batch_get_item(RequestItems={self.hash_table: {"Keys": [{"id": ids[0]}],
                                                                         "AttributesToGet": ["w"]}})
        self.assertEqual(legacy["Responses"][self.hash_table], [{"w": S("w0")}])

    def test_batch_get_consistent_read_and_consumed_capacity(self):
        ids = [S(unique("cr")) for _ in range(2)]
        for k in ids:
            self.ddb.put_item(TableName=self.hash_table, Item={"id": k, "v": S("small")})
        request = {"Keys": [{"id": k} for k in ids]}
        # each key is read as a GetItem: one unit per small item strongly consistent, half eventually
        strong = self.ddb.batch_get_item(RequestItems={self.hash_table: dict(request, ConsistentRead=True)},
                                         ReturnConsumedCapacity="TOTAL")
        self.assertEqual(len(strong["Responses"][self.hash_table]), 2)
        self.assertEqual(strong["ConsumedCapacity"], [{"TableName": self.hash_table, "CapacityUnits": 2.0}])
        eventual = self.ddb.batch_get_item(RequestItems={self.hash_table: dict(request, ConsistentRead=False)},
                                           ReturnConsumedCapacity="TOTAL")
        self.assertEqual(eventual["ConsumedCapacity"], [{"TableName": self.hash_table, "CapacityUnits": 1.0}])

    def test_batch_get_limits_and_errors(self):
        present = S(unique("lim"))
        self.ddb.put_item(TableName=self.hash_table, Item={"id": present})
        hundred = [{"id": present}] + [{"id": S(unique("k"))} for _ in range(99)]
        response = self.unchecked.batch_get_item(RequestItems={self.hash_table: {"Keys": hundred}})
        self.assertEqual(response["Responses"][self.hash_table], [{"id": present}])
        self.assertEqual(response["UnprocessedKeys"], {})
        # 101 keys for one table break the model's constraint on Keys ...
        self.assertError("ValidationException", "Member must have length less than or equal to 100",
                         self.unchecked.batch_get_item,
                         RequestItems={self.hash_table: {"Keys": hundred + [{"id": S(unique("k"))}]}})
        # ... and 101 over all tables DynamoDB's own limit
        self.assertError("ValidationException", "Too many items requested for the BatchGetItem call",
                         self.unchecked.batch_get_item,
                         RequestItems={self.hash_table: {"Keys": hundred[:60]},
                                       self.range_table: {"Keys": [{"pk": S("p"), "sk": N(i)} for i in range(41)]}})
        self.assertError("ValidationException", "Provided list of item keys contains duplicates",
                         self.ddb.batch_get_item,
                         RequestItems={self.hash_table: {"Keys": [{"id": present}, {"id": S("other")}, {"id": present}]}})
        self.assertError("ValidationException", "The provided key element does not match the schema",
                         self.ddb.batch_get_item, RequestItems={self.range_table: {"Keys": [{"pk": S("p")}]}})
        self.assertError("ResourceNotFoundException", "Requested resource not found", self.ddb.batch_get_item,
                         RequestItems={unique("missing"): {"Keys": [{"id": S("x")}]}})

    # -- TransactWriteItems ---------------------------------------------------------------

    def seed(self):
        """Four items for a transaction: a (absent), b, c, d (present)."""
        a, b, c, d = (S(unique(x)) for x in "abcd")
        self.ddb.put_item(TableName=self.hash_table, Item={"id": b, "v": S("b0"), "n": N(1)})
        self.ddb.put_item(TableName=self.range_table, Item={"pk": c, "sk": N(1), "v": S("c0")})
        self.ddb.put_item(TableName=self.hash_table, Item={"id": d, "state": S("open")})
        return a, b, c, d

    def actions(self, a, b, c, d, state="open"):
        return [
            {"Put": {"TableName": self.hash_table, "Item": {"id": a, "v": S("a1")},
                     "ConditionExpression": "attribute_not_exists(id)"}},
            {"Update": {"TableName": self.hash_table, "Key": {"id": b},
                        "UpdateExpression": "SET v = :v ADD n :one",
                        "ExpressionAttributeValues": {":v": S("b1"), ":one": N(1)}}},
            {"Delete": {"TableName": self.range_table, "Key": {"pk": c, "sk": N(1)}}},
            {"ConditionCheck": {"TableName": self.hash_table, "Key": {"id": d},
                                "ConditionExpression": "#s = :state", "ExpressionAttributeNames": {"#s": "state"},
                                "ExpressionAttributeValues": {":state": S(state)},
                                "ReturnValuesOnConditionCheckFailure": "ALL_OLD"}},
        ]

    def test_transact_write_applies_every_action(self):
        a, b, c, d = self.seed()
        response = self.ddb.transact_write_items(TransactItems=self.actions(a, b, c, d))
        self.assertNotIn("UnprocessedItems", response)
        self.assertEqual(self.get(self.hash_table, {"id": a}), {"id": a, "v": S("a1")})
        self.assertEqual(self.get(self.hash_table, {"id": b}), {"id": b, "v": S("b1"), "n": N(2)})
        self.assertIsNone(self.get(self.range_table, {"pk": c, "sk": N(1)}))
        self.assertEqual(self.get(self.hash_table, {"id": d}), {"id": d, "state": S("open")})

    def test_transact_write_failing_condition_cancels_everything(self):
        a, b, c, d = self.seed()
        response = self.assertError("TransactionCanceledException", None, self.ddb.transact_write_items,
                                    TransactItems=self.actions(a, b, c, d, state="closed"))
        self.assertEqual(response["Error"]["Message"], "Transaction cancelled, please refer cancellation reasons for "
                                                       "specific reasons [None, None, None, ConditionalCheckFailed]")
        reasons = response["CancellationReasons"]
        self.assertEqual([r["Code"] for r in reasons], ["None", "None", "None", "ConditionalCheckFailed"])
        self.assertEqual(reasons[3]["Message"], "The conditional request failed")
        # ReturnValuesOnConditionCheckFailure=ALL_OLD: the item as it is
        self.assertEqual(reasons[3]["Item"], {"id": d, "state": S("open")})
        for r in reasons[:3]:
            self.assertNotIn("Item", r)
        # nothing was applied
        self.assertIsNone(self.get(self.hash_table, {"id": a}))
        self.assertEqual(self.get(self.hash_table, {"id": b}), {"id": b, "v": S("b0"), "n": N(1)})
        self.assertEqual(self.get(self.range_table, {"pk": c, "sk": N(1)}), {"pk": c, "sk": N(1), "v": S("c0")})

    def test_transact_write_reports_every_failed_condition_in_order(self):
        a, b, c, d = self.seed()
        actions = self.actions(a, b, c, d, state="closed")
        # the Put's condition fails too now: b exists; no ReturnValues there, so no Item
        actions[0] = {"Put": {"TableName": self.hash_table, "Item": {"id": b, "v": S("overwritten")},
                              "ConditionExpression": "attribute_not_exists(id)"}}
        actions[1] = {"Update": {"TableName": self.hash_table, "Key": {"id": a}, "UpdateExpression": "SET v = :v",
                                 "ExpressionAttributeValues": {":v": S("new")}}}
        response = self.assertError("TransactionCanceledException", None, self.ddb.transact_write_items,
                                    TransactItems=actions)
        self.assertIn("[ConditionalCheckFailed, None, None, ConditionalCheckFailed]", response["Error"]["Message"])
        reasons = response["CancellationReasons"]
        self.assertEqual([r["Code"] for r in reasons], ["ConditionalCheckFailed", "None", "None", "ConditionalCheckFailed"])
        self.assertNotIn("Item", reasons[0])
        self.assertEqual(reasons[3]["Item"], {"id": d, "state": S("open")})
        self.assertEqual(self.get(self.hash_table, {"id": b}), {"id": b, "v": S("b0"), "n": N(1)})
        self.assertIsNone(self.get(self.hash_table, {"id": a}))  # the Update would have created it

    def test_transact_write_refuses_two_actions_on_one_item(self):
        k = S(unique("twice"))
        for second in ({"Delete": {"TableName": self.hash_table, "Key": {"id": k}}},
                       {"ConditionCheck": {"TableName": self.hash_table, "Key": {"id": k},
                                           "ConditionExpression": "attribute_not_exists(id)"}},
                       {"Put": {"TableName": self.hash_table, "Item": {"id": k, "v": N(2)}}}):
            with self.subTest(second=list(second)[0]):
                self.assertError("ValidationException",
                                 "Transaction request cannot include multiple operations on one item",
                                 self.ddb.transact_write_items, TransactItems=[
                                     {"Put": {"TableName": self.hash_table, "Item": {"id": k, "v": N(1)}}}, second])
        self.assertIsNone(self.get(self.hash_table, {"id": k}))
        # the same key value in two tables is two items
        self.ddb.transact_write_items(TransactItems=[
            {"Put": {"TableName": self.hash_table, "Item": {"id": k}}},
            {"Put": {"TableName": self.range_table, "Item": {"pk": k, "sk": N(1)}}}])

    def test_transact_write_allows_100_actions_and_refuses_101(self):
        ids = [S(unique("t")) for _ in range(101)]
        self.unchecked.transact_write_items(TransactItems=[
            {"Put": {"TableName": self.hash_table, "Item": {"id": k}}} for k in ids[:100]])
        self.assertEqual(self.get(self.hash_table, {"id": ids[99]}), {"id": ids[99]})
        over = [S(unique("t")) for _ in range(101)]
        self.assertError("ValidationException", "Member must have length less than or equal to 100",
                         self.unchecked.transact_write_items,
                         TransactItems=[{"Put": {"TableName": self.hash_table, "Item": {"id": k}}} for k in over])
        self.assertIsNone(self.get(self.hash_table, {"id": over[0]}))

    def test_transact_write_client_request_token_is_idempotent(self):
        k = S(unique("idem"))
        other = S(unique("idem"))
        token = uuid.uuid4().hex
        actions = [{"Update": {"TableName": self.hash_table, "Key": {"id": k}, "UpdateExpression": "ADD n :one",
                               "ExpressionAttributeValues": {":one": N(1)}}}]
        self.ddb.transact_write_items(TransactItems=actions, ClientRequestToken=token)
        self.assertEqual(self.get(self.hash_table, {"id": k}), {"id": k, "n": N(1)})
        # the same token and the same input: success, and nothing applied twice
        self.ddb.transact_write_items(TransactItems=actions, ClientRequestToken=token)
        self.assertEqual(self.get(self.hash_table, {"id": k}), {"id": k, "n": N(1)})
        # the same token with another input
        changed = [{"Update": {"TableName": self.hash_table, "Key": {"id": other}, "UpdateExpression": "ADD n :one",
                               "ExpressionAttributeValues": {":one": N(1)}}}]
        self.assertError("IdempotentParameterMismatchException", None, self.ddb.transact_write_items,
                         TransactItems=changed, ClientRequestToken=token)
        self.assertIsNone(self.get(self.hash_table, {"id": other}))
        # another token is another transaction
        self.ddb.transact_write_items(TransactItems=actions, ClientRequestToken=uuid.uuid4().hex)
        self.assertEqual(self.get(self.hash_table, {"id": k}), {"id": k, "n": N(2)})

    def test_transact_write_missing_table(self):
        kept = S(unique("kept"))
        self.assertError("ResourceNotFoundException", None, self.ddb.transact_write_items, TransactItems=[
            {"Put": {"TableName": self.hash_table, "Item": {"id": kept}}},
            {"Put": {"TableName": unique("missing"), "Item": {"id": S("x")}}}])
        self.assertIsNone(self.get(self.hash_table, {"id": kept}))

    # -- TransactGetItems -----------------------------------------------------------------

    def test_transact_get_items_in_request_order(self):
        a, b = S(unique("ga")), S(unique("gb"))
        pk = S(unique("gc"))
        self.ddb.put_item(TableName=self.hash_table, Item={"id": a, "v": S("va"), "w": S("wa")})
        self.ddb.put_item(TableName=self.hash_table, Item={"id": b, "v": S("vb")})
        self.ddb.put_item(TableName=self.range_table, Item={"pk": pk, "sk": N(5), "v": S("vc")})
        response = self.ddb.transact_get_items(TransactItems=[
            {"Get": {"TableName": self.hash_table, "Key": {"id": b}}},
            {"Get": {"TableName": self.hash_table, "Key": {"id": S(unique("absent"))}}},
            {"Get": {"TableName": self.range_table, "Key": {"pk": pk, "sk": N(5)}}},
            {"Get": {"TableName": self.hash_table, "Key": {"id": a}, "ProjectionExpression": "#w",
                     "ExpressionAttributeNames": {"#w": "w"}}},
        ])
        responses = response["Responses"]
        self.assertEqual(len(responses), 4)
        self.assertEqual(responses[0], {"Item": {"id": b, "v": S("vb")}})
        self.assertNotIn("Item", responses[1] or {})  # a missing item: an empty entry in its place
        self.assertEqual(responses[2], {"Item": {"pk": pk, "sk": N(5), "v": S("vc")}})
        self.assertEqual(responses[3], {"Item": {"w": S("wa")}})
        # transactional reads cost two units per 4 KB item
        counted = self.ddb.transact_get_items(TransactItems=[
            {"Get": {"TableName": self.hash_table, "Key": {"id": a}}},
            {"Get": {"TableName": self.hash_table, "Key": {"id": b}}}], ReturnConsumedCapacity="TOTAL")
        [capacity] = counted["ConsumedCapacity"]
        self.assertEqual((capacity["TableName"], capacity["CapacityUnits"]), (self.hash_table, 4.0))

    def test_transact_get_errors(self):
        self.assertError("ResourceNotFoundException", None, self.ddb.transact_get_items, TransactItems=[
            {"Get": {"TableName": unique("missing"), "Key": {"id": S("x")}}}])
        self.assertError("ValidationException", "The provided key element does not match the schema",
                         self.ddb.transact_get_items, TransactItems=[
                             {"Get": {"TableName": self.range_table, "Key": {"pk": S("p")}}}])


if __name__ == "__main__":
    unittest.main()
