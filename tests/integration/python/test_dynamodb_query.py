"""DynamoDB Query and parallel Scan: key conditions and their errors, sort order (N by
value, S by UTF-8 bytes, B by unsigned bytes), paging (Limit, ExclusiveStartKey, the 1 MB
page), Select, filters and projections, consumed capacity, global and local secondary
indexes (projections, sparse indexes, index keys in LastEvaluatedKey), the legacy
KeyConditions/QueryFilter, Segment/TotalSegments, the boto3 resource layer and the
AWS CLI.

Messages asserted in full are DynamoDB's own (AWS API reference and developer guide,
error texts quoted from real DynamoDB in public issues and in test suites run against
it); where only part of a message could be confirmed, only that part is asserted."""

import json
import unittest

from botocore.exceptions import ClientError

try:
    from . import harness
    from .dynamodb_helpers import unique, S, N, B, keys, definitions
except ImportError:  # run with the test directory itself as the top level
    import harness
    from dynamodb_helpers import unique, S, N, B, keys, definitions


class QueryTestCase(harness.ServerTestCase):
    """Shared helpers: clients, table creation, paging, error assertions."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ddb = cls.server.client("dynamodb")
        # The server's own checks, not botocore's.
        cls.unchecked = cls.server.client("dynamodb", parameter_validation=False)

    @classmethod
    def create_table(cls, name, key_schema, attributes, **kwargs):
        cls.ddb.create_table(TableName=name, BillingMode="PAY_PER_REQUEST", KeySchema=keys(*key_schema),
                             AttributeDefinitions=definitions(*attributes), **kwargs)
        cls.ddb.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 30})
        return name

    def put(self, table, **attributes):
        self.ddb.put_item(TableName=table, Item=attributes)

    def query_pages(self, client=None, **kwargs):
        """Every page of a query, following LastEvaluatedKey."""
        client = client or self.ddb
        pages = []
        while True:
            page = client.query(**kwargs)
            pages.append(page)
            if "LastEvaluatedKey" not in page:
                return pages
            self.assertLess(len(pages), 1000, "query never stopped paging")
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def scan_pages(self, **kwargs):
        pages = []
        while True:
            page = self.ddb.scan(**kwargs)
            pages.append(page)
            if "LastEvaluatedKey" not in page:
                return pages
            self.assertLess(len(pages), 1000, "scan never stopped paging")
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def assertError(self, code, message, call, **kwargs):
        """`call(**kwargs)` fails with `code` and a message containing `message` (if any)."""
        with self.assertRaises(ClientError) as cm:
            call(**kwargs)
        error = cm.exception.response["Error"]
        self.assertEqual(error["Code"], code, cm.exception.response)
        if message:
            self.assertIn(message, error["Message"])
        self.assertEqual(cm.exception.response["ResponseMetadata"]["HTTPStatusCode"], 400)
        return error["Message"]


class DynamoDbQueryTest(QueryTestCase):
    """Query on a table with pk (S) + sk (S), three GSIs on g (S) + gs (N) with ALL,
    KEYS_ONLY and INCLUDE projections, and an LSI on l (N); plus tables with N and B
    sort keys."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.table = cls.create_table(
            unique("q"), [("pk", "HASH"), ("sk", "RANGE")],
            [("pk", "S"), ("sk", "S"), ("g", "S"), ("gs", "N"), ("l", "N")],
            GlobalSecondaryIndexes=[
                {"IndexName": "byG", "KeySchema": keys(("g", "HASH"), ("gs", "RANGE")),
                 "Projection": {"ProjectionType": "ALL"}},
                {"IndexName": "byGKeys", "KeySchema": keys(("g", "HASH"), ("gs", "RANGE")),
                 "Projection": {"ProjectionType": "KEYS_ONLY"}},
                {"IndexName": "byGInclude", "KeySchema": keys(("g", "HASH"), ("gs", "RANGE")),
                 "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["a"]}}],
            LocalSecondaryIndexes=[
                {"IndexName": "byL", "KeySchema": keys(("pk", "HASH"), ("l", "RANGE")),
                 "Projection": {"ProjectionType": "ALL"}}])
        cls.ntable = cls.create_table(unique("qn"), [("pk", "HASH"), ("sk", "RANGE")], [("pk", "S"), ("sk", "N")])
        cls.btable = cls.create_table(unique("qb"), [("pk", "HASH"), ("sk", "RANGE")], [("pk", "S"), ("sk", "B")])

    def partition(self, sort_keys, **extra):
        """A fresh partition of self.table with one item per sort key (and a neighbour
        partition, so a query that ignored the partition key would show it)."""
        pk = unique("p")
        for sk in sort_keys:
            self.put(self.table, pk=S(pk), sk=S(sk), **extra)
        self.put(self.table, pk=S(pk + "-neighbour"), sk=S(sort_keys[0]))
        return pk

    def sks(self, page):
        return [item["sk"]["S"] for item in page["Items"]]

    def q(self, expression, table=None, **values):
        """Query with `expression` and values given as :name=AttributeValue."""
        return self.ddb.query(TableName=table or self.table, KeyConditionExpression=expression,
                              ExpressionAttributeValues={":" + k: v for k, v in values.items()})

    # -- key conditions ---------------------------------------------------------

    def test_partition_key_alone_returns_the_whole_partition_in_order(self):
        pk = self.partition(["b", "c", "a"], v=S("x"))
        page = self.q("pk = :p", p=S(pk))
        self.assertEqual(self.sks(page), ["a", "b", "c"])
        self.assertEqual(page["Count"], 3)
        self.assertEqual(page["ScannedCount"], 3)
        self.assertNotIn("LastEvaluatedKey", page)
        self.assertEqual(page["Items"][0], {"pk": S(pk), "sk": S("a"), "v": S("x")})
        empty = self.q("pk = :p", p=S(unique("nothing")))
        self.assertEqual((empty["Items"], empty["Count"], empty["ScannedCount"]), ([], 0, 0))

    def test_sort_key_conditions(self):
        pk = self.partition(["a1", "a2", "a3", "b1", "b2", "c1"])
        cases = [
            ("pk = :p AND sk = :v", {"v": S("a2")}, ["a2"]),
            ("pk = :p AND sk = :v", {"v": S("zz")}, []),
            ("pk = :p AND sk < :v", {"v": S("b1")}, ["a1", "a2", "a3"]),
            ("pk = :p AND sk <= :v", {"v": S("b1")}, ["a1", "a2", "a3", "b1"]),
            ("pk = :p AND sk > :v", {"v": S("b1")}, ["b2", "c1"]),
            ("pk = :p AND sk >= :v", {"v": S("b1")}, ["b1", "b2", "c1"]),
            ("pk = :p AND sk BETWEEN :lo AND :hi", {"lo": S("a2"), "hi": S("b1")}, ["a2", "a3", "b1"]),
            ("pk = :p AND sk BETWEEN :lo AND :hi", {"lo": S("a2"), "hi": S("a2")}, ["a2"]),
            ("pk = :p AND begins_with(sk, :v)", {"v": S("b")}, ["b1", "b2"]),
            ("pk = :p AND begins_with(sk, :v)", {"v": S("a2")}, ["a2"]),
            # keywords are case-insensitive, the order of the two conditions is free,
            # and the value may stand on the left (":v < sk" is "sk > :v")
            ("pk = :p and sk between :lo and :hi", {"lo": S("b1"), "hi": S("c9")}, ["b1", "b2", "c1"]),
            ("sk >= :v AND pk = :p", {"v": S("c")}, ["c1"]),
            (":v < sk AND pk = :p", {"v": S("b1")}, ["b2", "c1"]),
            ("(pk = :p) AND (sk < :v)", {"v": S("a2")}, ["a1"]),
        ]
        for expression, values, expected in cases:
            with self.subTest(expression=expression, values=values):
                page = self.q(expression, p=S(pk), **values)
                self.assertEqual(self.sks(page), expected)
                self.assertEqual(page["Count"], len(expected))

    def test_attribute_name_placeholders(self):
        pk = self.partition(["x1", "x2", "y1"])
        page = self.ddb.query(TableName=self.table, KeyConditionExpression="#k = :p AND begins_with(#s, :pre)",
                              ExpressionAttributeNames={"#k": "pk", "#s": "sk"},
                              ExpressionAttributeValues={":p": S(pk), ":pre": S("x")})
        self.assertEqual(self.sks(page), ["x1", "x2"])

    def test_key_condition_errors(self):
        pk = self.partition(["a"])
        v = "ValidationException"
        self.assertError(v, "Query condition missed key schema element: pk", self.q, expression="sk = :s",
                         s=S("a"))
        # a non-key attribute where the sort key condition belongs
        self.assertError(v, "Query condition missed key schema element: sk", self.q,
                         expression="pk = :p AND colour = :o", p=S(pk), o=S("a"))
        self.assertError(v, "Invalid operator used in KeyConditionExpression: OR", self.q,
                         expression="pk = :p OR sk = :s", p=S(pk), s=S("a"))
        self.assertError(v, "NOT", self.q, expression="pk = :p AND NOT sk = :s", p=S(pk), s=S("a"))
        self.assertError(v, "operator", self.q, expression="pk = :p AND sk <> :s", p=S(pk), s=S("a"))
        self.assertError(v, "KeyConditionExpressions must only contain one condition per key", self.q,
                         expression="pk = :p AND sk > :a AND sk < :b", p=S(pk), a=S("a"), b=S("b"))
        self.assertError(v, "Query key condition not supported", self.q, expression="pk > :p", p=S(pk))
        self.assertError(v, "Query key condition not supported", self.q,
                         expression="begins_with(pk, :p)", p=S(pk))
        self.assertError(v, "One or more parameter values were invalid: "
                            "Condition parameter type does not match schema type",
                         self.q, expression="pk = :p", p=N(1))
        self.assertError(v, "Invalid KeyConditionExpression: Incorrect operand type for operator or function; "
                            "operator or function: begins_with, operand type: N",
                         self.q, expression="pk = :p AND begins_with(sk, :n)", table=self.ntable, p=S(pk), n=N(1))
        self.assertError(v, "An expression attribute value used in expression is not defined; "
                            "attribute value: :missing",
                         self.q, expression="pk = :p AND sk = :missing", p=S(pk))
        self.assertError(v, "Value provided in ExpressionAttributeValues unused in expressions: keys: {:x}",
                         self.q, expression="pk = :p", p=S(pk), x=S("unused"))
        self.assertError(v, "Filter Expression can only contain non-primary key attributes: "
                            "Primary key attribute: sk",
                         self.ddb.query, TableName=self.table, KeyConditionExpression="pk = :p",
                         FilterExpression="sk = :s", ExpressionAttributeValues={":p": S(pk), ":s": S("a")})
        self.assertError(v, "Can not use both expression and non-expression parameters in the same request",
                         self.ddb.query, TableName=self.table, KeyConditionExpression="pk = :p",
                         ExpressionAttributeValues={":p": S(pk)},
                         KeyConditions={"pk": {"ComparisonOperator": "EQ", "AttributeValueList": [S(pk)]}})
        self.assertError("ResourceNotFoundException", None, self.q, expression="pk = :p",
                         table=unique("missing"), p=S(pk))

    # -- sort order ------------------------------------------------------------

    def test_numbers_sort_by_value(self):
        pk = unique("num")
        for value in ["10", "-2.5", "1E+3", "0", "99.99", "-10", "0.001", "2", "-0.5", "1.5e1"]:
            self.put(self.ntable, pk=S(pk), sk=N(value))
        page = self.q("pk = :p", table=self.ntable, p=S(pk))
        # numbers come back normalized: 1E+3 is 1000, 1.5e1 is 15
        expected = ["-10", "-2.5", "-0.5", "0", "0.001", "2", "10", "15", "99.99", "1000"]
        self.assertEqual([i["sk"]["N"] for i in page["Items"]], expected)
        backwards = self.ddb.query(TableName=self.ntable, KeyConditionExpression="pk = :p",
                                   ExpressionAttributeValues={":p": S(pk)}, ScanIndexForward=False)
        self.assertEqual([i["sk"]["N"] for i in backwards["Items"]], list(reversed(expected)))
        # the key is the number, whatever its spelling
        self.assertEqual([i["sk"]["N"] for i in self.q("pk = :p AND sk = :v", table=self.ntable, p=S(pk),
                                                        v=N("1000.0"))["Items"]], ["1000"])
        between = self.q("pk = :p AND sk BETWEEN :lo AND :hi", table=self.ntable, p=S(pk), lo=N("-3"), hi=N("2"))
        self.assertEqual([i["sk"]["N"] for i in between["Items"]], ["-2.5", "-0.5", "0", "0.001", "2"])
        above = self.q("pk = :p AND sk > :v", table=self.ntable, p=S(pk), v=N("9.5"))
        self.assertEqual([i["sk"]["N"] for i in above["Items"]], ["10", "15", "99.99", "1000"])

    def test_strings_sort_by_utf8_bytes(self):
        pk = unique("utf8")
        # uppercase before lowercase, ASCII before everything else, and UTF-8 byte order
        # (not UTF-16's): U+FF61 sorts before U+1F600 only in UTF-8
        values = ["b", "a", "B", "A", "Z", "aa", "0", "~", "\u00e9", "z", "\uff61", "\U0001F600", "\u00c9"]
        for value in values:
            self.put(self.table, pk=S(pk), sk=S(value))
        expected = sorted(values, key=lambda s: s.encode("utf-8"))
        self.assertEqual(expected[:7], ["0", "A", "B", "Z", "a", "aa", "b"])
        self.assertEqual(self.sks(self.q("pk = :p", p=S(pk))), expected)
        self.assertEqual(self.sks(self.q("pk = :p AND sk > :v", p=S(pk), v=S("z"))),
                         ["~", "\u00c9", "\u00e9", "\uff61", "\U0001F600"])
        self.assertEqual(self.sks(self.q("pk = :p AND sk < :v", p=S(pk), v=S("a"))), ["0", "A", "B", "Z"])

    def test_binary_sorts_by_unsigned_bytes(self):
        pk = unique("bin")
        values = [b"\x80", b"\x00", b"a\x00", b"\xff", b"\x7f", b"a", b"\x01", b"\xff\xff", b"\x00\x00"]
        for value in values:
            self.put(self.btable, pk=S(pk), sk=B(value))
        page = self.q("pk = :p", table=self.btable, p=S(pk))
        self.assertEqual([i["sk"]["B"] for i in page["Items"]], sorted(values))
        below = self.q("pk = :p AND sk < :v", table=self.btable, p=S(pk), v=B(b"\x80"))
        self.assertEqual([i["sk"]["B"] for i in below["Items"]], [b"\x00", b"\x00\x00", b"\x01", b"a", b"a\x00", b"\x7f"])
        prefix = self.q("pk = :p AND begins_with(sk, :v)", table=self.btable, p=S(pk), v=B(b"\xff"))
        self.assertEqual([i["sk"]["B"] for i in prefix["Items"]], [b"\xff", b"\xff\xff"])

    def test_scan_index_forward_false_reverses(self):
        pk = self.partition(["a", "b", "c", "d"])
        page = self.ddb.query(TableName=self.table, KeyConditionExpression="pk = :p AND sk >= :v",
                              ExpressionAttributeValues={":p": S(pk), ":v": S("b")}, ScanIndexForward=False)
        self.assertEqual(self.sks(page), ["d", "c", "b"])

    # -- paging ------------------------------------------------------------------

    def test_limit_and_last_evaluated_key_forward_and_backward(self):
        names = ["s%d" % i for i in range(7)]
        pk = self.partition(names)
        for forward in (True, False):
            with self.subTest(forward=forward):
                pages = self.query_pages(TableName=self.table, KeyConditionExpression="pk = :p",
                                         ExpressionAttributeValues={":p": S(pk)}, Limit=3, ScanIndexForward=forward)
                self.assertEqual([p["Count"] for p in pages], [3, 3, 1])
                self.assertEqual([p["ScannedCount"] for p in pages], [3, 3, 1])
                for page in pages[:-1]:
                    # the key of the last item returned, and only the key
                    self.assertEqual(page["LastEvaluatedKey"], {"pk": S(pk), "sk": page["Items"][-1]["sk"]})
                seen = [sk for p in pages for sk in self.sks(p)]
                self.assertEqual(seen, names if forward else list(reversed(names)))

    def test_exclusive_start_key_continues_after_that_key(self):
        pk = self.partition(["a", "b", "c", "d"])
        after = self.ddb.query(TableName=self.table, KeyConditionExpression="pk = :p",
                               ExpressionAttributeValues={":p": S(pk)}, ExclusiveStartKey={"pk": S(pk), "sk": S("b")})
        self.assertEqual(self.sks(after), ["c", "d"])
        # the start key need not be an existing item
        between = self.ddb.query(TableName=self.table, KeyConditionExpression="pk = :p",
                                 ExpressionAttributeValues={":p": S(pk)}, ScanIndexForward=False,
                                 ExclusiveStartKey={"pk": S(pk), "sk": S("bb")})
        self.assertEqual(self.sks(between), ["b", "a"])
        self.assertError("ValidationException",
                         "The provided starting key is outside query boundaries based on provided conditions",
                         self.ddb.query, TableName=self.table, KeyConditionExpression="pk = :p",
                         ExpressionAttributeValues={":p": S(pk)}, ExclusiveStartKey={"pk": S("other"), "sk": S("a")})
        self.assertError("ValidationException", "The provided starting key does not match the range key predicate",
                         self.ddb.query, TableName=self.table, KeyConditionExpression="pk = :p AND sk > :v",
                         ExpressionAttributeValues={":p": S(pk), ":v": S("b")},
                         ExclusiveStartKey={"pk": S(pk), "sk": S("a")})

    def test_first_page_stops_at_one_megabyte(self):
        pk = unique("big")
        blob = "x" * (40 * 1024)
        for i in range(30):
            self.put(self.table, pk=S(pk), sk=S("%02d" % i), blob=S(blob))
        first = self.ddb.query(TableName=self.table, KeyConditionExpression="pk = :p",
                               ExpressionAttributeValues={":p": S(pk)})
        self.assertIn("LastEvaluatedKey", first)
        # 1 MB holds about 25 of these 40 KB items
        self.assertGreaterEqual(first["Count"], 20)
        self.assertLessEqual(first["Count"], 27)
        self.assertEqual(first["LastEvaluatedKey"], {"pk": S(pk), "sk": first["Items"][-1]["sk"]})
        pages = self.query_pages(TableName=self.table, KeyConditionExpression="pk = :p",
                                 ExpressionAttributeValues={":p": S(pk)})
        self.assertEqual([sk for p in pages for sk in self.sks(p)], ["%02d" % i for i in range(30)])
        # Select COUNT reads the same data, so it stops at 1 MB too
        counted = self.ddb.query(TableName=self.table, KeyConditionExpression="pk = :p",
                                 ExpressionAttributeValues={":p": S(pk)}, Select="COUNT")
        self.assertIn("LastEvaluatedKey", counted)
        self.assertLess(counted["Count"], 30)

    # -- Select, filters, projections -------------------------------------------

    def test_select(self):
        pk = self.partition(["a", "b", "c"], v=S("x"), w=N(1))
        base = dict(TableName=self.table, KeyConditionExpression="pk = :p", ExpressionAttributeValues={":p": S(pk)})
        counted = self.ddb.query(Select="COUNT", **base)
        self.assertNotIn("Items", counted)
        self.assertEqual((counted["Count"], counted["ScannedCount"]), (3, 3))
        everything = self.ddb.query(Select="ALL_ATTRIBUTES", **base)
        self.assertEqual(everything["Items"][0], {"pk": S(pk), "sk": S("a"), "v": S("x"), "w": N(1)})
        specific = self.ddb.query(Select="SPECIFIC_ATTRIBUTES", ProjectionExpression="w, sk", **base)
        self.assertEqual(specific["Items"][0], {"sk": S("a"), "w": N(1)})
        limited = self.ddb.query(Select="COUNT", Limit=2, **base)
        self.assertEqual(limited["Count"], 2)
        self.assertIn("LastEvaluatedKey", limited)

    def test_select_errors(self):
        pk = unique("sel")
        base = dict(TableName=self.table, KeyConditionExpression="pk = :p", ExpressionAttributeValues={":p": S(pk)})
        v = "ValidationException"
        self.assertError(v, "Must specify the AttributesToGet or ProjectionExpression when choosing to get "
                            "SPECIFIC_ATTRIBUTES", self.unchecked.query, Select="SPECIFIC_ATTRIBUTES", **base)
        self.assertError(v, "ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName",
                         self.unchecked.query, Select="ALL_PROJECTED_ATTRIBUTES", **base)
        self.assertError(v, "Cannot specify the ProjectionExpression when choosing to get ALL_ATTRIBUTES",
                         self.unchecked.query, Select="ALL_ATTRIBUTES", ProjectionExpression="sk", **base)
        self.assertError(v, "Cannot specify the ProjectionExpression when choosing to get only the Count",
                         self.unchecked.query, Select="COUNT", ProjectionExpression="sk", **base)
        self.assertError(v, "Value 'count' at 'select' failed to satisfy constraint: Member must satisfy enum value "
                            "set: [SPECIFIC_ATTRIBUTES, COUNT, ALL_ATTRIBUTES, ALL_PROJECTED_ATTRIBUTES]",
                         self.unchecked.query, Select="count", **base)

    def test_filter_expression_counts_before_and_after(self):
        pk = unique("filter")
        for i in range(6):
            self.put(self.table, pk=S(pk), sk=S("s%d" % i), n=N(i), kind=S("even" if i % 2 == 0 else "odd"))
        page = self.ddb.query(TableName=self.table, KeyConditionExpression="pk = :p",
                              FilterExpression="n > :min AND #k = :kind", ExpressionAttributeNames={"#k": "kind"},
                              ExpressionAttributeValues={":p": S(pk), ":min": N(1), ":kind": S("even")})
        self.assertEqual(self.sks(page), ["s2", "s4"])
        self.assertEqual((page["Count"], page["ScannedCount"]), (2, 6))
        # Limit counts items read, before the filter: a page may hold nothing and still go on
        pages = self.query_pages(TableName=self.table, KeyConditionExpression="pk = :p", Limit=2,
                                 FilterExpression="n >= :min", ExpressionAttributeValues={":p": S(pk), ":min": N(4)})
        self.assertEqual([(p["Count"], p["ScannedCount"]) for p in pages[:3]], [(0, 2), (0, 2), (2, 2)])
        self.assertIn("LastEvaluatedKey", pages[0])
        self.assertEqual([sk for p in pages for sk in self.sks(p)], ["s4", "s5"])
        counted = self.ddb.query(TableName=self.table, KeyConditionExpression="pk = :p", Select="COUNT",
                                 FilterExpression="attribute_exists(kind) AND kind = :k",
                                 ExpressionAttributeValues={":p": S(pk), ":k": S("odd")})
        self.assertEqual((counted["Count"], counted["ScannedCount"]), (3, 6))

    def test_projection_expression(self):
        pk = unique("proj")
        self.put(self.table, pk=S(pk), sk=S("a"), a=S("kept"), b=S("dropped"),
                 m={"M": {"x": N(1), "y": N(2)}}, seq={"L": [S("zero"), S("one"), S("two")]})
        page = self.ddb.query(TableName=self.table, KeyConditionExpression="pk = :p",
                              ExpressionAttributeValues={":p": S(pk)}, ProjectionExpression="a, #m.x, seq[1], nothere",
                              ExpressionAttributeNames={"#m": "m"})
        self.assertEqual(page["Items"], [{"a": S("kept"), "m": {"M": {"x": N(1)}}, "seq": {"L": [S("one")]}}])

    # -- read consistency and capacity -------------------------------------------

    def test_consistent_read_and_consumed_capacity(self):
        pk = unique("cap")
        for i in range(3):
            self.put(self.table, pk=S(pk), sk=S("s%d" % i), blob=S("x" * 3000))
        base = dict(TableName=self.table, KeyConditionExpression="pk = :p", ExpressionAttributeValues={":p": S(pk)},
                    ReturnConsumedCapacity="TOTAL")
        # a query is one read of the items' total size (about 9 KB here) rounded up to 4 KB:
        # 3 units strongly consistent, half that eventually consistent
        strong = self.ddb.query(ConsistentRead=True, **base)
        self.assertEqual(strong["Count"], 3)
        self.assertEqual(strong["ConsumedCapacity"], {"TableName": self.table, "CapacityUnits": 3.0})
        eventual = self.ddb.query(ConsistentRead=False, **base)
        self.assertEqual(eventual["ConsumedCapacity"], {"TableName": self.table, "CapacityUnits": 1.5})
        self.assertNotIn("ConsumedCapacity", self.ddb.query(TableName=self.table, KeyConditionExpression="pk = :p",
                                                            ExpressionAttributeValues={":p": S(pk)}))
        # COUNT reads the same items
        counted = self.ddb.query(Select="COUNT", ConsistentRead=True, **base)
        self.assertEqual(counted["ConsumedCapacity"]["CapacityUnits"], 3.0)

    # -- global secondary indexes ---------------------------------------------------

    def test_gsi_query_by_index_key_and_sparse(self):
        g = unique("g")
        pk = unique("p")
        self.put(self.table, pk=S(pk), sk=S("1"), g=S(g), gs=N(30), a=S("a1"), b=S("b1"))
        self.put(self.table, pk=S(pk), sk=S("2"), g=S(g), gs=N(10), a=S("a2"), b=S("b2"))
        self.put(self.table, pk=S(pk + "x"), sk=S("1"), g=S(g), gs=N(20), a=S("a3"))
        self.put(self.table, pk=S(pk), sk=S("3"), a=S("not in the index"))  # no g: absent from the index
        self.put(self.table, pk=S(pk), sk=S("4"), g=S(g + "-other"), gs=N(0))
        page = self.ddb.query(TableName=self.table, IndexName="byG", KeyConditionExpression="g = :g",
                              ExpressionAttributeValues={":g": S(g)})
        self.assertEqual([i["gs"]["N"] for i in page["Items"]], ["10", "20", "30"])
        self.assertEqual(page["Items"][0], {"pk": S(pk), "sk": S("2"), "g": S(g), "gs": N(10), "a": S("a2"), "b": S("b2")})
        ranged = self.ddb.query(TableName=self.table, IndexName="byG", KeyConditionExpression="g = :g AND gs > :v",
                                ExpressionAttributeValues={":g": S(g), ":v": N(15)}, ScanIndexForward=False)
        self.assertEqual([i["gs"]["N"] for i in ranged["Items"]], ["30", "20"])
        self.assertError("ValidationException", "Query condition missed key schema element: g", self.ddb.query,
                         TableName=self.table, IndexName="byG", KeyConditionExpression="pk = :p",
                         ExpressionAttributeValues={":p": S(pk)})
        self.assertError("ValidationException", "The table does not have the specified index: noSuchIndex",
                         self.ddb.query, TableName=self.table, IndexName="noSuchIndex",
                         KeyConditionExpression="g = :g", ExpressionAttributeValues={":g": S(g)})

    def test_gsi_projections(self):
        g = unique("proj")
        pk = unique("p")
        self.put(self.table, pk=S(pk), sk=S("1"), g=S(g), gs=N(1), a=S("included"), b=S("not included"))

        def only_item(index, **kwargs):
            page = self.ddb.query(TableName=self.table, IndexName=index, KeyConditionExpression="g = :g",
                                  ExpressionAttributeValues={":g": S(g)}, **kwargs)
            self.assertEqual(page["Count"], 1)
            return page["Items"][0]

        table_and_index_keys = {"pk": S(pk), "sk": S("1"), "g": S(g), "gs": N(1)}
        self.assertEqual(only_item("byGKeys"), table_and_index_keys)
        self.assertEqual(only_item("byGKeys", Select="ALL_PROJECTED_ATTRIBUTES"), table_and_index_keys)
        self.assertEqual(only_item("byGInclude"), dict(table_and_index_keys, a=S("included")))
        self.assertEqual(only_item("byG"), dict(table_and_index_keys, a=S("included"), b=S("not included")))
        self.assertEqual(only_item("byG", Select="ALL_ATTRIBUTES"), only_item("byG"))
        self.assertEqual(only_item("byGInclude", ProjectionExpression="a, gs"), {"a": S("included"), "gs": N(1)})
        for index in ("byGKeys", "byGInclude"):
            self.assertError("ValidationException",
                             "One or more parameter values were invalid: Select type ALL_ATTRIBUTES is not supported "
                             "for global secondary index %s because its projection type is not ALL" % index,
                             self.ddb.query, TableName=self.table, IndexName=index, Select="ALL_ATTRIBUTES",
                             KeyConditionExpression="g = :g", ExpressionAttributeValues={":g": S(g)})

    def test_gsi_follows_item_changes(self):
        g1, g2 = unique("g1"), unique("g2")
        pk = unique("p")
        key = {"pk": S(pk), "sk": S("1")}

        def in_index(g):
            page = self.ddb.query(TableName=self.table, IndexName="byG", KeyConditionExpression="g = :g",
                                  ExpressionAttributeValues={":g": S(g)})
            return [(i["pk"]["S"], i["gs"]["N"], i.get("v", {}).get("S")) for i in page["Items"]]

        self.ddb.put_item(TableName=self.table, Item=dict(key, g=S(g1), gs=N(1), v=S("first")))
        self.assertEqual(in_index(g1), [(pk, "1", "first")])
        # replacing the item with another index key moves it
        self.ddb.put_item(TableName=self.table, Item=dict(key, g=S(g2), gs=N(2), v=S("second")))
        self.assertEqual(in_index(g1), [])
        self.assertEqual(in_index(g2), [(pk, "2", "second")])
        # an item that loses its index key leaves the (sparse) index
        self.ddb.put_item(TableName=self.table, Item=dict(key, v=S("third")))
        self.assertEqual(in_index(g2), [])
        self.ddb.put_item(TableName=self.table, Item=dict(key, g=S(g2), gs=N(3), v=S("fourth")))
        self.assertEqual(in_index(g2), [(pk, "3", "fourth")])
        # a deleted item leaves every index
        self.ddb.delete_item(TableName=self.table, Key=key)
        self.assertEqual(in_index(g2), [])
        for index in ("byGKeys", "byGInclude"):
            page = self.ddb.query(TableName=self.table, IndexName=index, KeyConditionExpression="g = :g",
                                  ExpressionAttributeValues={":g": S(g2)})
            self.assertEqual(page["Items"], [])

    def test_gsi_consistent_read_is_refused(self):
        self.assertError("ValidationException", "Consistent reads are not supported on global secondary indexes",
                         self.ddb.query, TableName=self.table, IndexName="byG", ConsistentRead=True,
                         KeyConditionExpression="g = :g", ExpressionAttributeValues={":g": S("any")})

    def test_gsi_last_evaluated_key_holds_table_and_index_keys(self):
        g = unique("page")
        expected = []
        for i in range(5):
            pk = unique("p")
            self.put(self.table, pk=S(pk), sk=S("s"), g=S(g), gs=N(i))
            expected.append(pk)
        for index in ("byG", "byGKeys", "byGInclude"):
            with self.subTest(index=index):
                pages = self.query_pages(TableName=self.table, IndexName=index, KeyConditionExpression="g = :g",
                                         ExpressionAttributeValues={":g": S(g)}, Limit=2)
                self.assertEqual([p["Count"] for p in pages], [2, 2, 1])
                for page in pages[:-1]:
                    last = page["Items"][-1]
                    self.assertEqual(page["LastEvaluatedKey"],
                                     {"pk": last["pk"], "sk": last["sk"], "g": S(g), "gs": last["gs"]})
                self.assertEqual([i["pk"]["S"] for p in pages for i in p["Items"]], expected)

    # -- local secondary index -------------------------------------------------------

    def test_lsi_query(self):
        pk = unique("lsi")
        self.put(self.table, pk=S(pk), sk=S("a"), l=N(30), v=S("va"))
        self.put(self.table, pk=S(pk), sk=S("b"), l=N(10), v=S("vb"))
        self.put(self.table, pk=S(pk), sk=S("c"), l=N(20), v=S("vc"))
        self.put(self.table, pk=S(pk), sk=S("d"), v=S("no l: not in the index"))
        self.put(self.table, pk=S(pk + "x"), sk=S("a"), l=N(15))
        page = self.ddb.query(TableName=self.table, IndexName="byL", KeyConditionExpression="pk = :p AND l >= :v",
                              ExpressionAttributeValues={":p": S(pk), ":v": N(15)}, ConsistentRead=True)
        self.assertEqual(page["Items"], [{"pk": S(pk), "sk": S("c"), "l": N(20), "v": S("vc")},
                                         {"pk": S(pk), "sk": S("a"), "l": N(30), "v": S("va")}])
        whole = self.query_pages(TableName=self.table, IndexName="byL", KeyConditionExpression="pk = :p",
                                 ExpressionAttributeValues={":p": S(pk)}, Limit=2)
        self.assertEqual([i["sk"]["S"] for p in whole for i in p["Items"]], ["b", "c", "a"])
        first = whole[0]
        self.assertEqual(first["LastEvaluatedKey"], {"pk": S(pk), "sk": S("c"), "l": N(20)})
        self.assertError("ValidationException", "Query condition missed key schema element: l", self.ddb.query,
                         TableName=self.table, IndexName="byL", KeyConditionExpression="pk = :p AND sk = :s",
                         ExpressionAttributeValues={":p": S(pk), ":s": S("a")})

    # -- legacy parameters ------------------------------------------------------------

    def test_legacy_key_conditions_and_query_filter(self):
        pk = unique("legacy")
        for i, sk in enumerate(["a1", "a2", "a3", "b1", "b2"]):
            self.put(self.table, pk=S(pk), sk=S(sk), n=N(i), t=S("tag%d" % (i % 2)))
        eq = {"ComparisonOperator": "EQ", "AttributeValueList": [S(pk)]}

        def legacy(sort_condition=None, **kwargs):
            conditions = {"pk": eq}
            if sort_condition:
                conditions["sk"] = sort_condition
            return self.ddb.query(TableName=self.table, KeyConditions=conditions, **kwargs)

        self.assertEqual(self.sks(legacy()), ["a1", "a2", "a3", "b1", "b2"])
        self.assertEqual(self.sks(legacy({"ComparisonOperator": "BETWEEN", "AttributeValueList": [S("a2"), S("b1")]})),
                         ["a2", "a3", "b1"])
        self.assertEqual(self.sks(legacy({"ComparisonOperator": "BEGINS_WITH", "AttributeValueList": [S("b")]})),
                         ["b1", "b2"])
        self.assertEqual(self.sks(legacy({"ComparisonOperator": "GT", "AttributeValueList": [S("a3")]})), ["b1", "b2"])
        self.assertEqual(self.sks(legacy({"ComparisonOperator": "LE", "AttributeValueList": [S("a2")]})), ["a1", "a2"])
        filtered = legacy(QueryFilter={"n": {"ComparisonOperator": "GE", "AttributeValueList": [N(2)]},
                                       "t": {"ComparisonOperator": "EQ", "AttributeValueList": [S("tag0")]}})
        self.assertEqual(self.sks(filtered), ["a3", "b2"])
        self.assertEqual((filtered["Count"], filtered["ScannedCount"]), (2, 5))
        either = legacy(QueryFilter={"n": {"ComparisonOperator": "LT", "AttributeValueList": [N(1)]},
                                     "t": {"ComparisonOperator": "EQ", "AttributeValueList": [S("tag1")]}},
                        ConditionalOperator="OR")
        self.assertEqual(self.sks(either), ["a1", "a2", "b1"])
        projected = legacy(AttributesToGet=["sk", "n"], Limit=1)
        self.assertEqual(projected["Items"], [{"sk": S("a1"), "n": N(0)}])
        self.assertEqual(projected["LastEvaluatedKey"], {"pk": S(pk), "sk": S("a1")})
        self.assertError("ValidationException", "Attempted conditional constraint is not an indexable operation",
                         legacy, sort_condition={"ComparisonOperator": "CONTAINS", "AttributeValueList": [S("a")]})
        self.assertError("ValidationException",
                         "QueryFilter can only contain non-primary key attributes: Primary key attribute: sk",
                         legacy, QueryFilter={"sk": {"ComparisonOperator": "EQ", "AttributeValueList": [S("a1")]}})


class DynamoDbScanIndexAndSegmentsTest(QueryTestCase):
    """Scan on an index and parallel Scan, on tables of their own."""

    def test_scan_on_an_index(self):
        table = self.create_table(unique("si"), [("id", "HASH")], [("id", "S"), ("g", "S")],
                                  GlobalSecondaryIndexes=[{"IndexName": "byG", "KeySchema": keys(("g", "HASH")),
                                                           "Projection": {"ProjectionType": "KEYS_ONLY"}}])
        for i in range(6):
            item = {"id": S("i%d" % i), "v": N(i)}
            if i % 2 == 0:
                item["g"] = S("g%d" % i)
            self.ddb.put_item(TableName=table, Item=item)
        pages = self.scan_pages(TableName=table, IndexName="byG")
        items = sorted((i for p in pages for i in p["Items"]), key=lambda i: i["id"]["S"])
        self.assertEqual(items, [{"id": S("i0"), "g": S("g0")}, {"id": S("i2"), "g": S("g2")},
                                 {"id": S("i4"), "g": S("g4")}])
        self.assertEqual(sum(p["Count"] for p in pages), 3)
        self.assertEqual(self.ddb.scan(TableName=table)["Count"], 6)
        limited = self.ddb.scan(TableName=table, IndexName="byG", Limit=1)
        self.assertEqual(set(limited["LastEvaluatedKey"]), {"id", "g"})
        self.assertError("ValidationException", "Consistent reads are not supported on global secondary indexes",
                         self.ddb.scan, TableName=table, IndexName="byG", ConsistentRead=True)

    def test_parallel_scan_segments_cover_every_item_once(self):
        table = self.create_table(unique("ps"), [("id", "HASH")], [("id", "S")])
        expected = set()
        for i in range(60):
            self.ddb.put_item(TableName=table, Item={"id": S("item-%03d" % i), "v": N(i)})
            expected.add("item-%03d" % i)
        for total in (1, 3, 4, 7):
            with self.subTest(total_segments=total):
                seen = []
                for segment in range(total):
                    pages = self.scan_pages(TableName=table, Segment=segment, TotalSegments=total, Limit=5)
                    seen += [i["id"]["S"] for p in pages for i in p["Items"]]
                self.assertEqual(len(seen), len(expected), "an item was returned twice or not at all")
                self.assertEqual(set(seen), expected)
        # a segment's LastEvaluatedKey continues that segment only
        first = self.ddb.scan(TableName=table, Segment=0, TotalSegments=2, Limit=3)
        rest = self.scan_pages(TableName=table, Segment=0, TotalSegments=2, ExclusiveStartKey=first["LastEvaluatedKey"])
        whole = self.scan_pages(TableName=table, Segment=0, TotalSegments=2)
        self.assertEqual([i["id"]["S"] for i in first["Items"]] + [i["id"]["S"] for p in rest for i in p["Items"]],
                         [i["id"]["S"] for p in whole for i in p["Items"]])

    def test_parallel_scan_errors(self):
        table = self.create_table(unique("pe"), [("id", "HASH")], [("id", "S")])
        v = "ValidationException"
        self.assertError(v, "The TotalSegments parameter is required but was not present in the request when "
                            "Segment parameter is present", self.unchecked.scan, TableName=table, Segment=1)
        self.assertError(v, "The Segment parameter is required but was not present in the request when parameter "
                            "TotalSegments is present", self.unchecked.scan, TableName=table, TotalSegments=2)
        self.assertError(v, "The Segment parameter is zero-based and must be less than parameter TotalSegments: "
                            "Segment: 4 is not less than TotalSegments: 4",
                         self.unchecked.scan, TableName=table, Segment=4, TotalSegments=4)
        self.assertError(v, "The Segment parameter is zero-based and must be less than parameter TotalSegments: "
                            "Segment: 9 is not less than TotalSegments: 4",
                         self.unchecked.scan, TableName=table, Segment=9, TotalSegments=4)


class DynamoDbQueryResourceTest(QueryTestCase):
    """The boto3 resource layer builds the expressions itself (Key, Attr)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        import boto3
        cls.table_name = cls.create_table(unique("res"), [("pk", "HASH"), ("sk", "RANGE")], [("pk", "S"), ("sk", "N")])
        cls.resource = boto3.resource("dynamodb", endpoint_url=cls.server.endpoint, region_name="us-east-1",
                                      aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key=harness.DUMMY_SECRET)
        cls.res_table = cls.resource.Table(cls.table_name)

    def test_query_with_key_conditions(self):
        from boto3.dynamodb.conditions import Attr, Key
        import decimal
        pk = unique("p")
        for i in range(10):
            self.res_table.put_item(Item={"pk": pk, "sk": i, "half": decimal.Decimal(i) / 2,
                                          "tag": "even" if i % 2 == 0 else "odd"})
        got = self.res_table.query(KeyConditionExpression=Key("pk").eq(pk) & Key("sk").between(3, 6))
        self.assertEqual([item["sk"] for item in got["Items"]], [3, 4, 5, 6])
        self.assertEqual(got["Items"][0], {"pk": pk, "sk": 3, "half": decimal.Decimal("1.5"), "tag": "odd"})
        got = self.res_table.query(KeyConditionExpression=Key("pk").eq(pk) & Key("sk").gte(5),
                                   FilterExpression=Attr("tag").eq("even") & Attr("half").lt(4),
                                   ScanIndexForward=False)
        self.assertEqual([item["sk"] for item in got["Items"]], [6])
        self.assertEqual((got["Count"], got["ScannedCount"]), (1, 5))
        got = self.res_table.query(KeyConditionExpression=Key("pk").eq(pk) & Key("sk").lt(2),
                                   ProjectionExpression="sk")
        self.assertEqual(got["Items"], [{"sk": 0}, {"sk": 1}])

    def test_scan_with_attr_filters(self):
        from boto3.dynamodb.conditions import Attr
        pk = unique("s")
        for i in range(6):
            item = {"pk": pk, "sk": i, "name": "n%d" % i}
            if i >= 3:
                item["flag"] = True
            self.res_table.put_item(Item=item)
        matched = []
        kwargs = {"FilterExpression": Attr("pk").eq(pk) & Attr("flag").exists() & Attr("name").begins_with("n")
                                      & Attr("sk").is_in([3, 5, 9])}
        while True:
            page = self.res_table.scan(**kwargs)
            matched += page["Items"]
            if "LastEvaluatedKey" not in page:
                break
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
        self.assertEqual(sorted(item["sk"] for item in matched), [3, 5])
        missing = self.res_table.scan(FilterExpression=Attr("pk").eq(pk) & Attr("flag").not_exists())
        self.assertEqual(sorted(item["sk"] for item in missing["Items"]), [0, 1, 2])


@unittest.skipUnless(harness.aws_cli_installed(), "AWS CLI not installed")
class DynamoDbQueryCliTest(harness.AwsCliMixin, QueryTestCase):
    cli_service = "dynamodb"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.table = cls.create_table(unique("cli"), [("pk", "HASH"), ("sk", "RANGE")], [("pk", "S"), ("sk", "N")])
        for i in range(5):
            cls.ddb.put_item(TableName=cls.table, Item={"pk": S("cli"), "sk": N(i), "v": S("v%d" % i)})

    def test_cli_query(self):
        out = self.aws("query", "--table-name", self.table,
                       "--key-condition-expression", "pk = :p AND sk BETWEEN :lo AND :hi",
                       "--expression-attribute-values", json.dumps({":p": S("cli"), ":lo": N(1), ":hi": N(3)}))
        self.assertEqual([item["sk"]["N"] for item in out["Items"]], ["1", "2", "3"])
        self.assertEqual(out["Items"][0]["v"], {"S": "v1"})
        self.assertEqual(out["Count"], 3)
        backwards = self.aws("query", "--table-name", self.table, "--key-condition-expression", "pk = :p",
                             "--expression-attribute-values", json.dumps({":p": S("cli")}), "--no-scan-index-forward",
                             "--projection-expression", "sk")
        self.assertEqual(backwards["Items"], [{"sk": N(i)} for i in (4, 3, 2, 1, 0)])
        counted = self.aws("query", "--table-name", self.table, "--key-condition-expression", "pk = :p",
                           "--expression-attribute-values", json.dumps({":p": S("cli")}), "--select", "COUNT")
        self.assertEqual(counted["Count"], 5)

    def test_cli_query_error(self):
        proc = self.aws("query", "--table-name", self.table, "--key-condition-expression", "sk = :s",
                        "--expression-attribute-values", json.dumps({":s": N(1)}), check=False)
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("ValidationException", proc.stderr)
        self.assertIn("Query condition missed key schema element: pk", proc.stderr)


if __name__ == "__main__":
    unittest.main()
