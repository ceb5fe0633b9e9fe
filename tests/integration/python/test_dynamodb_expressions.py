"""DynamoDB expressions: ConditionExpression on PutItem, DeleteItem and UpdateItem,
UpdateExpression (SET, REMOVE, ADD, DELETE) with ReturnValues, ProjectionExpression,
FilterExpression, ExpressionAttributeNames/Values and their checks, the legacy
parameters (Expected, ConditionalOperator, AttributeUpdates, ScanFilter,
AttributesToGet), the boto3 resource layer's condition builders, and the AWS CLI.

Every expectation is what Amazon DynamoDB returns; error tests check the code and the
message text DynamoDB gives (the whole text where it is known exactly, otherwise a
distinctive part of it)."""

import decimal
import json
import unittest

import boto3
import botocore
import botocore.session
from boto3.dynamodb.conditions import Attr, Key
from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from botocore.exceptions import ClientError

try:
    from . import harness
    from .dynamodb_helpers import unique
except ImportError:  # run with the test directory itself as the top level
    import harness
    from dynamodb_helpers import unique

_SER = TypeSerializer()
_DESER = TypeDeserializer()

CONDITION_FAILED = "The conditional request failed"


def av(value):
    """One Python value as a low-level AttributeValue (ints are N, bytes B, sets *S)."""
    return _SER.serialize(value)


def values(**kwargs):
    """ExpressionAttributeValues from keyword arguments: values(v=1) is {":v": {"N": "1"}}."""
    return {":" + k: av(v) for k, v in kwargs.items()}


def plain(item):
    """A low-level item as Python values (sets become sets, so their order does not matter)."""
    return {k: _DESER.deserialize(v) for k, v in item.items()}


def overlap(kind, one, two):
    return ("Invalid %s: Two document paths overlap with each other; must remove or rewrite one of "
            "these paths; path one: %s, path two: %s" % (kind, one, two))


class ExpressionsTestCase(harness.ServerTestCase):
    """One server and one table (pk S, sk N) for the whole class, plus helpers."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ddb = cls.server.client("dynamodb")
        cls.table = unique("expr")
        cls.ddb.create_table(
            TableName=cls.table, BillingMode="PAY_PER_REQUEST",
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                                  {"AttributeName": "sk", "AttributeType": "N"}])
        cls.ddb.get_waiter("table_exists").wait(TableName=cls.table, WaiterConfig={"Delay": 1, "MaxAttempts": 60})

    # -- items -------------------------------------------------------------------

    def key(self, pk=None, sk=1):
        return {"pk": {"S": pk or unique("k")}, "sk": {"N": str(sk)}}

    def fresh(self, **attributes):
        """PutItem a new item with these (Python-valued) attributes; returns its key."""
        key = self.key()
        item = dict(key)
        item.update({k: av(v) for k, v in attributes.items()})
        self.ddb.put_item(TableName=self.table, Item=item)
        return key

    def raw(self, key):
        """The stored item in low-level form, or None."""
        return self.ddb.get_item(TableName=self.table, Key=key, ConsistentRead=True).get("Item")

    def stored(self, key):
        """The stored item as Python values without the key attributes, or None."""
        item = self.raw(key)
        if item is None:
            return None
        return {k: v for k, v in plain(item).items() if k not in ("pk", "sk")}

    def update(self, key, expression, names=None, vals=None, **kwargs):
        if names is not None:
            kwargs["ExpressionAttributeNames"] = names
        if vals is not None:
            kwargs["ExpressionAttributeValues"] = vals
        return self.ddb.update_item(TableName=self.table, Key=key, UpdateExpression=expression, **kwargs)

    def holds(self, key, condition, names=None, **vals):
        """Whether `condition` is true for the stored item: re-puts the unchanged item under
        the condition, so nothing changes either way. Any error other than
        ConditionalCheckFailedException propagates."""
        kwargs = {"TableName": self.table, "Item": self.raw(key) or key, "ConditionExpression": condition}
        if names:
            kwargs["ExpressionAttributeNames"] = names
        if vals:
            kwargs["ExpressionAttributeValues"] = values(**vals)
        try:
            self.ddb.put_item(**kwargs)
            return True
        except ClientError as e:
            if e.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise
            self.assertEqual(e.response["Error"]["Message"], CONDITION_FAILED)
            return False

    # -- assertions --------------------------------------------------------------

    def assertError(self, code, message, call, exact=False, table=True, **kwargs):
        """`call(**kwargs)` (with TableName unless table=False) fails with `code`; the message
        equals `message` when exact, else contains it. Returns the error response."""
        if table:
            kwargs.setdefault("TableName", self.table)
        with self.assertRaises(ClientError) as cm:
            call(**kwargs)
        response = cm.exception.response
        self.assertEqual(response["Error"]["Code"], code, response)
        if exact:
            self.assertEqual(response["Error"]["Message"], message, response)
        else:
            self.assertIn(message, response["Error"]["Message"], response)
        return response

    def assertValidation(self, message, call, exact=True, **kwargs):
        return self.assertError("ValidationException", message, call, exact=exact, **kwargs)

    def assertConditionFails(self, call, **kwargs):
        return self.assertError("ConditionalCheckFailedException", CONDITION_FAILED, call, exact=True, **kwargs)


# ======================================================================================
# ConditionExpression
# ======================================================================================

class ConditionExpressionTest(ExpressionsTestCase):

    def test_attribute_not_exists_makes_put_create_only(self):
        key = self.key()
        item = dict(key, v={"S": "first"})
        self.ddb.put_item(TableName=self.table, Item=item, ConditionExpression="attribute_not_exists(pk)")
        self.assertConditionFails(self.ddb.put_item, Item=dict(key, v={"S": "second"}),
                                  ConditionExpression="attribute_not_exists(pk)")
        self.assertEqual(self.raw(key), item)
        # attribute_exists(pk) is the opposite idiom: replace only
        self.ddb.put_item(TableName=self.table, Item=dict(key, v={"S": "third"}), ConditionExpression="attribute_exists(pk)")
        self.assertEqual(self.stored(key), {"v": "third"})
        absent = self.key()
        self.assertConditionFails(self.ddb.put_item, Item=dict(absent, v={"S": "x"}),
                                  ConditionExpression="attribute_exists(pk)")
        self.assertIsNone(self.raw(absent))

    def test_attribute_exists_on_non_key_attributes(self):
        key = self.fresh(a=1, z=None)
        self.assertTrue(self.holds(key, "attribute_exists(a)"))
        self.assertTrue(self.holds(key, "attribute_exists(z)"))  # a NULL value still exists
        self.assertFalse(self.holds(key, "attribute_exists(q)"))
        self.assertTrue(self.holds(key, "attribute_not_exists(q)"))
        self.assertFalse(self.holds(key, "attribute_not_exists(a)"))
        self.assertTrue(self.holds(key, "attribute_exists(#x)", names={"#x": "a"}))

    def test_delete_item_condition(self):
        key = self.fresh(v=1)
        self.assertConditionFails(self.ddb.delete_item, Key=key, ConditionExpression="v = :v",
                                  ExpressionAttributeValues=values(v=2))
        self.assertEqual(self.stored(key), {"v": 1})
        self.ddb.delete_item(TableName=self.table, Key=key, ConditionExpression="v = :v",
                             ExpressionAttributeValues=values(v=1))
        self.assertIsNone(self.raw(key))
        # an absent item has no attributes at all: attribute_exists fails, deleting nothing
        self.assertConditionFails(self.ddb.delete_item, Key=key, ConditionExpression="attribute_exists(pk)")
        self.ddb.delete_item(TableName=self.table, Key=key, ConditionExpression="attribute_not_exists(pk)")

    def test_update_item_condition_and_failed_update_changes_nothing(self):
        key = self.fresh(state="open", n=1)
        self.assertConditionFails(self.update, key=key, expression="SET n = :two",
                                  vals=values(two=2, closed="closed"), ConditionExpression="#s = :closed",
                                  names={"#s": "state"}, table=False)
        self.assertEqual(self.stored(key), {"state": "open", "n": 1})
        self.update(key, "SET n = :two", names={"#s": "state"}, vals=values(two=2, open="open"),
                    ConditionExpression="#s = :open")
        self.assertEqual(self.stored(key), {"state": "open", "n": 2})
        # a condition on an absent item sees no attributes; the upsert does not happen
        absent = self.key()
        self.assertConditionFails(self.update, key=absent, expression="SET n = :one", vals=values(one=1),
                                  ConditionExpression="attribute_exists(pk)", table=False)
        self.assertIsNone(self.raw(absent))

    def test_comparators_on_numbers(self):
        key = self.fresh(n=10, neg=-2, frac=decimal.Decimal("2.50"))
        for condition, value, expected in [
                ("n = :v", 10, True), ("n = :v", 9, False),
                ("n <> :v", 9, True), ("n <> :v", 10, False),
                ("n < :v", 11, True), ("n < :v", 10, False),
                ("n <= :v", 10, True), ("n <= :v", 9, False),
                ("n > :v", 9, True), ("n > :v", 10, False),     # numeric, not "10" < "9"
                ("n >= :v", 10, True), ("n >= :v", 11, False),
                ("neg < :v", 0, True), ("neg > :v", -3, True),
                ("frac = :v", decimal.Decimal("2.5"), True),   # 2.50 and 2.5 are the same number
                ]:
            self.assertEqual(self.holds(key, condition, v=value), expected, (condition, value))
        self.assertTrue(self.holds(key, "neg < n"))  # two attributes of the item
        self.assertFalse(self.holds(key, "n < neg"))

    def test_comparators_on_strings(self):
        key = self.fresh(s="cat", capital="Zebra")
        for condition, value, expected in [
                ("s = :v", "cat", True), ("s = :v", "Cat", False),
                ("s <> :v", "dog", True), ("s <> :v", "cat", False),
                ("s < :v", "dog", True), ("s < :v", "ca", False),
                ("s <= :v", "cat", True), ("s <= :v", "car", False),
                ("s > :v", "ca", True), ("s > :v", "cat", False),
                ("s >= :v", "cat", True), ("s >= :v", "cau", False),
                ("capital < :v", "a", True),                      # code point order: "Z" < "a"
                ]:
            self.assertEqual(self.holds(key, condition, v=value), expected, (condition, value))

    def test_comparators_on_binary_are_unsigned(self):
        key = self.fresh(b=b"\x7f\x00")
        for condition, value, expected in [
                ("b = :v", b"\x7f\x00", True), ("b = :v", b"\x7f", False),
                ("b <> :v", b"\x7f", True), ("b <> :v", b"\x7f\x00", False),
                ("b < :v", b"\x80", True),                      # 0x80 sorts after 0x7f
                ("b < :v", b"\x7f", False),
                ("b <= :v", b"\x7f\x00", True), ("b <= :v", b"\x01", False),
                ("b > :v", b"\x7f", True), ("b > :v", b"\xff", False),
                ("b >= :v", b"\x7f\x00", True), ("b >= :v", b"\x80", False),
                ]:
            self.assertEqual(self.holds(key, condition, v=value), expected, (condition, value))

    def test_mismatched_types_compare_false_without_error(self):
        key = self.fresh(n=5, s="5", l=[1, 2], m={"k": 1}, t=True)
        self.assertFalse(self.holds(key, "n = :v", v="5"))
        self.assertTrue(self.holds(key, "n <> :v", v="5"))
        self.assertFalse(self.holds(key, "n < :v", v="6"))
        self.assertFalse(self.holds(key, "n >= :v", v="0"))
        self.assertFalse(self.holds(key, "s > :v", v=1))
        self.assertFalse(self.holds(key, "n BETWEEN :lo AND :hi", lo="1", hi="9"))
        self.assertFalse(self.holds(key, "l < :v", v=3))   # a list attribute is not ordered
        self.assertFalse(self.holds(key, "t = :v", v=1))
        self.assertFalse(self.holds(key, "n = s"))          # N 5 and S "5" differ
        # an absent attribute is equal to nothing and unequal to everything
        self.assertFalse(self.holds(key, "absent = :v", v=5))
        self.assertTrue(self.holds(key, "absent <> :v", v=5))
        self.assertFalse(self.holds(key, "absent < :v", v=5))
        self.assertFalse(self.holds(key, "absent = another"))
        self.assertTrue(self.holds(key, "absent <> another"))
        # equality of documents and sets is structural (set order does not matter)
        self.assertTrue(self.holds(key, "l = :v", v=[1, 2]))
        self.assertFalse(self.holds(key, "l = :v", v=[2, 1]))
        self.assertTrue(self.holds(key, "m = :v", v={"k": 1}))
        key2 = self.fresh(ss={"x", "y", "z"})
        self.assertTrue(self.holds(key2, "ss = :v", v={"z", "y", "x"}))

    def test_between_and_in(self):
        key = self.fresh(n=5, s="m")
        self.assertTrue(self.holds(key, "n BETWEEN :lo AND :hi", lo=1, hi=9))
        self.assertTrue(self.holds(key, "n BETWEEN :lo AND :hi", lo=5, hi=5))   # inclusive
        self.assertFalse(self.holds(key, "n BETWEEN :lo AND :hi", lo=6, hi=9))
        self.assertTrue(self.holds(key, "s between :lo and :hi", lo="a", hi="z"))  # keywords in any case
        self.assertFalse(self.holds(key, "s BETWEEN :lo AND :hi", lo="n", hi="z"))
        self.assertFalse(self.holds(key, "absent BETWEEN :lo AND :hi", lo=1, hi=9))
        self.assertTrue(self.holds(key, "n IN (:a, :b, :c)", a=1, b=5, c=9))
        self.assertFalse(self.holds(key, "n IN (:a, :b)", a=1, b=9))
        self.assertTrue(self.holds(key, "n IN (:a)", a=5))
        self.assertTrue(self.holds(key, "s IN (:a, :b)", a=5, b="m"))   # mixed types are fine
        self.assertFalse(self.holds(key, "absent IN (:a, :b)", a=5, b="m"))

    def test_between_bounds_from_values_are_checked(self):
        key = self.fresh(n=5)
        self.assertValidation(
            "Invalid ConditionExpression: The BETWEEN operator requires upper bound to be greater than or "
            "equal to lower bound", self.holds, exact=False, table=False,
            key=key, condition="n BETWEEN :lo AND :hi", lo=9, hi=1)
        self.assertValidation(
            "Invalid ConditionExpression: The BETWEEN operator requires same data type for lower and upper bounds",
            self.holds, exact=False, table=False, key=key, condition="n BETWEEN :lo AND :hi", lo=1, hi="9")

    def test_and_or_not_precedence_and_parentheses(self):
        key = self.fresh(a=1, b=2, c=3)
        self.assertTrue(self.holds(key, "a < b AND b < c"))
        self.assertFalse(self.holds(key, "a < b AND c < b"))
        self.assertTrue(self.holds(key, "b < a OR b < c"))
        self.assertFalse(self.holds(key, "b < a OR c < b"))
        self.assertTrue(self.holds(key, "NOT b < a"))
        self.assertTrue(self.holds(key, "a < b aNd b < c oR c < a"))   # keywords in any case
        # AND binds tighter than OR: a<b OR (c<b AND b<a), not (a<b OR c<b) AND b<a
        self.assertTrue(self.holds(key, "a < b OR c < b AND b < a"))
        self.assertFalse(self.holds(key, "(a < b OR c < b) AND b < a"))
        # NOT binds tighter than OR: (NOT a<b) OR b<c, not NOT (a<b OR b<c)
        self.assertTrue(self.holds(key, "NOT a < b OR b < c"))
        self.assertFalse(self.holds(key, "NOT (a < b OR b < c)"))
        self.assertTrue(self.holds(key, "NOT NOT a < b"))
        self.assertTrue(self.holds(key, "(a < b OR b < a) AND (b < c AND (a < b OR b < c))"))
        # BETWEEN's AND is not the logical AND
        self.assertTrue(self.holds(key, "b BETWEEN a AND c AND a < b"))

    def test_begins_with(self):
        key = self.fresh(s="hello world", b=b"\x01\x02\x03", n=12)
        self.assertTrue(self.holds(key, "begins_with(s, :p)", p="hello"))
        self.assertTrue(self.holds(key, "begins_with(s, :p)", p="hello world"))
        self.assertFalse(self.holds(key, "begins_with(s, :p)", p="world"))
        self.assertFalse(self.holds(key, "begins_with(s, :p)", p="Hello"))
        self.assertTrue(self.holds(key, "begins_with(b, :p)", p=b"\x01\x02"))
        self.assertFalse(self.holds(key, "begins_with(b, :p)", p=b"\x02"))
        self.assertFalse(self.holds(key, "begins_with(n, :p)", p="1"))        # the item's number: just false
        self.assertFalse(self.holds(key, "begins_with(absent, :p)", p="h"))
        # a number in the expression itself is refused
        self.assertValidation(
            "Invalid ConditionExpression: Incorrect operand type for operator or function; "
            "operator or function: begins_with, operand type: N",
            self.holds, table=False, key=key, condition="begins_with(s, :p)", p=1)

    def test_contains_on_strings_sets_and_lists(self):
        key = self.fresh(s="hello world", ss={"red", "green"}, ns={1, 2, 3}, bs={b"\x01", b"\x02"},
                         l=["a", 2, ["x"]], n=123)
        self.assertTrue(self.holds(key, "contains(s, :v)", v="lo wo"))
        self.assertFalse(self.holds(key, "contains(s, :v)", v="World"))
        self.assertTrue(self.holds(key, "contains(ss, :v)", v="red"))
        self.assertFalse(self.holds(key, "contains(ss, :v)", v="re"))          # members, not substrings
        self.assertTrue(self.holds(key, "contains(ns, :v)", v=2))
        self.assertFalse(self.holds(key, "contains(ns, :v)", v="2"))
        self.assertTrue(self.holds(key, "contains(bs, :v)", v=b"\x02"))
        self.assertTrue(self.holds(key, "contains(l, :v)", v="a"))
        self.assertTrue(self.holds(key, "contains(l, :v)", v=2))
        self.assertTrue(self.holds(key, "contains(l, :v)", v=["x"]))
        self.assertFalse(self.holds(key, "contains(l, :v)", v="x"))
        self.assertFalse(self.holds(key, "contains(n, :v)", v=1))
        self.assertFalse(self.holds(key, "contains(absent, :v)", v="a"))
        self.assertTrue(self.holds(key, "NOT contains(ss, :v)", v="blue"))

    def test_size_of_every_sized_type(self):
        key = self.fresh(s="hello", b=b"\x00\x01\x02", ss={"a", "b", "c", "d"}, ns={7, 8}, l=[1, "two", [3]],
                         m={"x": 1, "y": {"z": 2}}, n=12345, t=True)
        for condition, size in [("size(s) = :v", 5), ("size(b) = :v", 3), ("size(ss) = :v", 4),
                                ("size(ns) = :v", 2), ("size(l) = :v", 3), ("size(m) = :v", 2),
                                ("size(m.y) = :v", 1), ("size(l[2]) = :v", 1)]:
            self.assertTrue(self.holds(key, condition, v=size), condition)
        self.assertTrue(self.holds(key, "size(s) > :v", v=4))
        self.assertFalse(self.holds(key, "size(s) > :v", v=5))
        self.assertTrue(self.holds(key, "size(s) BETWEEN :lo AND :hi", lo=1, hi=5))
        self.assertTrue(self.holds(key, "size(s) < size(ss) OR size(l) = :v", v=3))
        # numbers and booleans have no size, and neither does an absent attribute: false, not an error
        self.assertFalse(self.holds(key, "size(n) = :v", v=5))
        self.assertFalse(self.holds(key, "size(n) <> :v", v=5))
        self.assertFalse(self.holds(key, "size(t) = :v", v=1))
        self.assertFalse(self.holds(key, "size(absent) = :v", v=0))
        self.assertValidation(
            "Invalid ConditionExpression: The function is not allowed to be used this way in an expression; "
            "function: size", self.holds, table=False, key=key, condition="size(s)")

    def test_attribute_type(self):
        key = self.fresh(s="x", n=1, b=b"x", t=False, z=None, ss={"x"}, ns={1}, bs={b"x"}, l=[], m={})
        names = ["s", "n", "b", "t", "z", "ss", "ns", "bs", "l", "m"]
        types = ["S", "N", "B", "BOOL", "NULL", "SS", "NS", "BS", "L", "M"]
        for name, expected in zip(names, types):
            for candidate in types:
                self.assertEqual(self.holds(key, "attribute_type(%s, :t)" % name, t=candidate), candidate == expected,
                                 (name, candidate))
        self.assertFalse(self.holds(key, "attribute_type(absent, :t)", t="S"))
        self.assertValidation("Invalid ConditionExpression: Invalid attribute type name found; type: DOG",
                              self.holds, exact=False, table=False, key=key, condition="attribute_type(s, :t)", t="DOG")

    def test_nested_paths(self):
        key = self.fresh(a={"b": [0, {"c": "deep", "n": 7}, [10, 20]], "x": {"y": 1}}, l=[{"m": 1}])
        self.assertTrue(self.holds(key, "a.b[1].c = :v", v="deep"))
        self.assertFalse(self.holds(key, "a.b[1].c = :v", v="shallow"))
        self.assertTrue(self.holds(key, "attribute_exists(a.b[1].c)"))
        self.assertTrue(self.holds(key, "attribute_not_exists(a.b[1].absent)"))
        self.assertTrue(self.holds(key, "attribute_not_exists(a.b[5])"))
        self.assertTrue(self.holds(key, "a.b[2][1] = :v", v=20))
        self.assertTrue(self.holds(key, "a.b[0] < a.b[1].n"))
        self.assertTrue(self.holds(key, "a.x.y = :v AND l[0].m = :v", v=1))
        self.assertTrue(self.holds(key, "#a.#b[1].#c = :v", names={"#a": "a", "#b": "b", "#c": "c"}, v="deep"))
        self.assertTrue(self.holds(key, "begins_with(a.b[1].c, :v)", v="de"))
        # walking through the wrong type is an absent attribute, not an error
        self.assertFalse(self.holds(key, "a.b.c = :v", v="deep"))
        self.assertFalse(self.holds(key, "a[0] = :v", v=0))
        self.assertTrue(self.holds(key, "attribute_not_exists(a.x.y.z)"))

    def test_condition_on_the_key_attributes(self):
        key = self.fresh(v=1)
        self.assertTrue(self.holds(key, "pk = :p AND sk = :s", p=key["pk"]["S"], s=1))
        self.assertFalse(self.holds(key, "pk <> :p", p=key["pk"]["S"]))
        self.assertTrue(self.holds(key, "begins_with(pk, :p)", p="k-"))


class ReturnValuesOnConditionCheckFailureTest(ExpressionsTestCase):

    @classmethod
    def setUpClass(cls):
        model = botocore.session.get_session().get_service_model("dynamodb")
        if "ReturnValuesOnConditionCheckFailure" not in model.operation_model("PutItem").input_shape.members:
            raise unittest.SkipTest("botocore %s's DynamoDB model has no ReturnValuesOnConditionCheckFailure "
                                    "(added to PutItem, UpdateItem and DeleteItem in mid-2023)" % botocore.__version__)
        super().setUpClass()

    def test_all_old_returns_the_item_with_the_error(self):
        key = self.key()
        item = dict(key, s={"S": "dog"}, n={"N": "1"})
        calls = [(self.ddb.put_item, {"Item": dict(key, s={"S": "new"})}, values(s="cat")),
                 (self.ddb.delete_item, {"Key": key}, values(s="cat")),
                 (self.ddb.update_item, {"Key": key, "UpdateExpression": "SET n = :n"}, values(s="cat", n=2))]
        # no item yet: nothing to return
        for call, kwargs, vals in calls:
            response = self.assertConditionFails(call, ConditionExpression="s = :s", ExpressionAttributeValues=vals,
                                                 ReturnValuesOnConditionCheckFailure="ALL_OLD", **kwargs)
            self.assertNotIn("Item", response)
        self.ddb.put_item(TableName=self.table, Item=item)
        for call, kwargs, vals in calls:
            response = self.assertConditionFails(call, ConditionExpression="s = :s", ExpressionAttributeValues=vals,
                                                 ReturnValuesOnConditionCheckFailure="ALL_OLD", **kwargs)
            self.assertEqual(response["Item"], item)  # low-level attribute values, as in the API
            response = self.assertConditionFails(call, ConditionExpression="s = :s", ExpressionAttributeValues=vals,
                                                 ReturnValuesOnConditionCheckFailure="NONE", **kwargs)
            self.assertNotIn("Item", response)
        # a successful conditional write returns neither Item nor Attributes
        done = self.ddb.update_item(TableName=self.table, Key=key, UpdateExpression="SET n = :n",
                                    ConditionExpression="s = :s", ExpressionAttributeValues=values(s="dog", n=2),
                                    ReturnValuesOnConditionCheckFailure="ALL_OLD")
        self.assertNotIn("Item", done)
        self.assertNotIn("Attributes", done)
        self.assertEqual(self.raw(key), dict(item, n={"N": "2"}))


# ======================================================================================
# UpdateExpression
# ======================================================================================

class UpdateExpressionTest(ExpressionsTestCase):

    def test_update_creates_the_item_when_missing(self):
        key = self.key()
        response = self.update(key, "SET a = :a, b = :b", vals=values(a="x", b=2), ReturnValues="ALL_NEW")
        self.assertEqual(response["Attributes"], dict(key, a={"S": "x"}, b={"N": "2"}))
        self.assertEqual(self.raw(key), dict(key, a={"S": "x"}, b={"N": "2"}))
        # no UpdateExpression at all still creates an item holding only the key
        bare = self.key()
        self.ddb.update_item(TableName=self.table, Key=bare)
        self.assertEqual(self.raw(bare), bare)
        # a REMOVE of nothing on an absent item creates nothing, nested paths included,
        # though on an item that lacks their parents they are refused
        ghost = self.key()
        self.update(ghost, "REMOVE a")
        self.update(ghost, "REMOVE a.b, c[0]")
        self.assertIsNone(self.raw(ghost))
        with self.assertRaises(ClientError) as caught:
            self.update(self.fresh(keep=1), "REMOVE a.b")
        self.assertEqual(caught.exception.response["Error"]["Message"],
                         "The document path provided in the update expression is invalid for update")

    def test_set_replaces_and_merges(self):
        key = self.fresh(a="old", keep=1)
        self.update(key, "SET a = :a, b = :b", vals=values(a=[1, "x"], b={"k": True}))
        self.assertEqual(self.stored(key), {"a": [1, "x"], "b": {"k": True}, "keep": 1})
        self.update(key, "set c = a")  # keywords in any case; copy another attribute
        self.assertEqual(self.stored(key)["c"], [1, "x"])
        self.update(key, "SET #weird = :v", names={"#weird": "a.b c"}, vals=values(v=1))  # a dot in a #name is literal
        self.assertEqual(self.stored(key)["a.b c"], 1)
        self.assertEqual(self.stored(key)["a"], [1, "x"])

    def test_set_nested_map_member_and_list_index(self):
        key = self.fresh(m={"x": 1, "inr": {"y": 2}}, l=["zero", "one", "two"])
        self.update(key, "SET m.x = :x, m.#new = :n, m.inr.z = :z, l[1] = :one",
                    names={"#new": "new"}, vals=values(x=10, n="added", z=[3], one="ONE"))
        self.assertEqual(self.stored(key), {"m": {"x": 10, "new": "added", "inr": {"y": 2, "z": [3]}},
                                            "l": ["zero", "ONE", "two"]})
        self.update(key, "SET m.inr = :v", vals=values(v="replaced"))  # a member can change type
        self.assertEqual(self.stored(key)["m"]["inr"], "replaced")

    def test_set_beyond_the_end_of_a_list_appends(self):
        key = self.fresh(l=["a", "b", "c"])
        self.update(key, "SET l[10] = :v", vals=values(v="d"))
        self.assertEqual(self.stored(key)["l"], ["a", "b", "c", "d"])
        # several appends are ordered by their index, not by their place in the expression
        self.update(key, "SET l[84] = :w, l[37] = :x, l[50] = :y", vals=values(w="w", x="x", y="y"))
        self.assertEqual(self.stored(key)["l"], ["a", "b", "c", "d", "x", "y", "w"])

    def test_arithmetic(self):
        key = self.fresh(n=10, m=3)
        self.update(key, "SET n = n + :five, d = :hundred - m, s = n + m, neg = m - n",
                    vals=values(five=5, hundred=100))
        # every right-hand side sees the item as it was before the update
        self.assertEqual(self.stored(key), {"n": 15, "m": 3, "d": 97, "s": 13, "neg": -7})
        self.update(key, "SET n = n - :x", vals=values(x=decimal.Decimal("0.5")))
        self.assertEqual(self.raw(key)["n"], {"N": "14.5"})

    def test_if_not_exists(self):
        key = self.fresh(a=1)
        self.update(key, "SET a = if_not_exists(a, :v), b = if_not_exists(b, :v)", vals=values(v=99))
        self.assertEqual(self.stored(key), {"a": 1, "b": 99})
        self.update(key, "SET c = if_not_exists(absent, a)")  # the fallback may be a path
        self.assertEqual(self.stored(key)["c"], 1)
        self.update(key, "SET ctr = if_not_exists(ctr, :zero) + :one", vals=values(zero=0, one=1))
        self.update(key, "SET ctr = if_not_exists(ctr, :zero) + :one", vals=values(zero=0, one=1))
        self.assertEqual(self.stored(key)["ctr"], 2)

    def test_list_append_both_orders(self):
        key = self.fresh(l=[1, 2])
        self.update(key, "SET l = list_append(l, :tail)", vals=values(tail=[3, "x"]))
        self.assertEqual(self.stored(key)["l"], [1, 2, 3, "x"])
        self.update(key, "SET l = list_append(:head, l)", vals=values(head=[0]))
        self.assertEqual(self.stored(key)["l"], [0, 1, 2, 3, "x"])
        self.update(key, "SET twice = list_append(l, l), fresh = list_append(:a, :b)",
                    vals=values(a=["p"], b=[]))
        self.assertEqual(self.stored(key)["twice"], [0, 1, 2, 3, "x"] * 2)
        self.assertEqual(self.stored(key)["fresh"], ["p"])
        self.update(key, "SET made = list_append(if_not_exists(made, :empty), :v)", vals=values(empty=[], v=["m"]))
        self.assertEqual(self.stored(key)["made"], ["m"])

    def test_remove_attributes_members_and_list_elements(self):
        key = self.fresh(a=1, b=2, m={"x": 1, "y": {"z": 2}}, l=[0, 1, 2, 3, 4], single=[9], one={"k": 1})
        self.update(key, "REMOVE a, m.y.z, l[1], l[3], single[0], one.k, absent, l[17]")
        # list indexes name positions before the update; the rest of the list shifts down
        self.assertEqual(self.stored(key), {"b": 2, "m": {"x": 1, "y": {}}, "l": [0, 2, 4], "single": [], "one": {}})
        # ...also when SET and REMOVE share a list: l[1] is the element at 1 before the REMOVE
        self.update(key, "REMOVE l[0] SET l[1] = :v", vals=values(v="new"))
        self.assertEqual(self.stored(key)["l"], ["new", 4])

    def test_add_numbers_and_sets(self):
        key = self.fresh(n=5, ss={"a"}, ns={1, 2})
        self.update(key, "ADD n :v, created :v, ss :s, ns :ns, newset :new",
                    vals=values(v=3, s={"b", "a"}, ns={2, 3}, new={b"\x01"}))
        self.assertEqual(self.stored(key), {"n": 8, "created": 3, "ss": {"a", "b"}, "ns": {1, 2, 3},
                                            "newset": {b"\x01"}})
        self.update(key, "ADD n :neg", vals=values(neg=-10))
        self.assertEqual(self.raw(key)["n"], {"N": "-2"})
        fresh = self.key()
        self.update(fresh, "ADD hits :one", vals=values(one=1))  # creates the item too
        self.assertEqual(self.raw(fresh), dict(fresh, hits={"N": "1"}))

    def test_delete_from_sets(self):
        key = self.fresh(ss={"a", "b", "c"}, ns={1, 2}, bs={b"\x01", b"\x02"}, keep="k")
        self.update(key, "DELETE ss :s, ns :n, absent :s", vals=values(s={"a", "zz"}, n={2}))
        self.assertEqual(self.stored(key), {"ss": {"b", "c"}, "ns": {1}, "bs": {b"\x01", b"\x02"}, "keep": "k"})
        # an emptied set is removed: DynamoDB has no empty sets
        self.update(key, "DELETE ss :s, bs :b", vals=values(s={"b", "c"}, b={b"\x01", b"\x02"}))
        self.assertEqual(self.stored(key), {"ns": {1}, "keep": "k"})

    def test_several_clauses_in_one_expression(self):
        key = self.fresh(a=1, b=2, c="gone", tags={"x", "y"}, x="X", y="Y")
        # clauses in any order; x and y swap because every right-hand side reads the old item
        self.update(key, "REMOVE c SET x = y, y = x, tot = a + b ADD n :one DELETE tags :d",
                    vals=values(one=1, d={"x"}))
        self.assertEqual(self.stored(key), {"a": 1, "b": 2, "x": "Y", "y": "X", "tot": 3, "n": 1, "tags": {"y"}})

    def test_exact_decimal_arithmetic(self):
        key = self.key()
        for _ in range(10):
            self.update(key, "ADD added :tenth SET summed = if_not_exists(summed, :zero) + :tenth",
                        vals=values(tenth=decimal.Decimal("0.1"), zero=0))
        item = self.raw(key)
        self.assertEqual(item["added"], {"N": "1"})
        self.assertEqual(item["summed"], {"N": "1"})
        self.update(key, "SET big = :big + :small",
                    vals=values(big=decimal.Decimal("100000000000000000000"), small=decimal.Decimal("0.000001")))
        self.assertEqual(self.raw(key)["big"], {"N": "100000000000000000000.000001"})

    def test_return_values(self):
        key = self.key()
        self.ddb.put_item(TableName=self.table, Item=dict(key, a={"S": "hi"}, b={"S": "dog"}, n={"N": "1"},
                                                          m={"M": {"x": {"N": "1"}, "y": {"N": "2"}}}))
        none = self.update(key, "SET b = :v", vals=values(v="cat"))
        self.assertNotIn("Attributes", none)
        none = self.update(key, "SET b = :v", vals=values(v="cat"), ReturnValues="NONE")
        self.assertNotIn("Attributes", none)
        old = self.update(key, "SET b = :v", vals=values(v="cow"), ReturnValues="ALL_OLD")
        self.assertEqual(old["Attributes"], dict(key, a={"S": "hi"}, b={"S": "cat"}, n={"N": "1"},
                                                 m={"M": {"x": {"N": "1"}, "y": {"N": "2"}}}))
        updated_old = self.update(key, "SET b = :v, c = :c REMOVE a", vals=values(v="cat", c="new"),
                                  ReturnValues="UPDATED_OLD")
        self.assertEqual(updated_old["Attributes"], {"b": {"S": "cow"}, "a": {"S": "hi"}})
        all_new = self.update(key, "SET n = n + :one", vals=values(one=1), ReturnValues="ALL_NEW")
        self.assertEqual(all_new["Attributes"], dict(key, b={"S": "cat"}, c={"S": "new"}, n={"N": "2"},
                                                     m={"M": {"x": {"N": "1"}, "y": {"N": "2"}}}))
        updated_new = self.update(key, "SET n = n + :one, d = :d REMOVE c", vals=values(one=1, d=True),
                                  ReturnValues="UPDATED_NEW")
        self.assertEqual(updated_new["Attributes"], {"n": {"N": "3"}, "d": {"BOOL": True}})
        # nested updates return only the touched members, inside their parents
        nested_old = self.update(key, "SET m.x = :v", vals=values(v=10), ReturnValues="UPDATED_OLD")
        self.assertEqual(nested_old["Attributes"], {"m": {"M": {"x": {"N": "1"}}}})
        nested_new = self.update(key, "SET m.x = :v", vals=values(v=11), ReturnValues="UPDATED_NEW")
        self.assertEqual(nested_new["Attributes"], {"m": {"M": {"x": {"N": "11"}}}})
        # only REMOVE: nothing new to report; writing only new attributes: nothing old to report
        self.assertNotIn("Attributes", self.update(key, "REMOVE d", ReturnValues="UPDATED_NEW"))
        self.assertNotIn("Attributes", self.update(key, "ADD fresh :one", vals=values(one=1), ReturnValues="UPDATED_OLD"))
        # an upsert has no old item
        absent = self.key()
        self.assertNotIn("Attributes", self.update(absent, "SET a = :a", vals=values(a=1), ReturnValues="ALL_OLD"))
        self.assertEqual(self.update(self.key(), "SET a = :a", vals=values(a=1), ReturnValues="UPDATED_NEW")["Attributes"],
                         {"a": {"N": "1"}})
        self.assertValidation("1 validation error detected: Value 'BOGUS' at 'returnValues' failed to satisfy "
                              "constraint: Member must satisfy enum value set:", self.ddb.update_item, exact=False,
                              Key=key, UpdateExpression="SET a = :a", ExpressionAttributeValues=values(a=1),
                              ReturnValues="BOGUS")


class UpdateExpressionErrorTest(ExpressionsTestCase):

    def test_key_attributes_cannot_be_updated(self):
        key = self.fresh(v=1)
        for expression, vals, attribute in [
                ("SET pk = :v", values(v="other"), "pk"),
                ("SET sk = :v", values(v=2), "sk"),
                ("REMOVE sk", None, "sk"),
                ("ADD sk :v", values(v=1), "sk"),
                ("SET v = :v REMOVE pk", values(v=2), "pk")]:
            self.assertValidation("One or more parameter values were invalid: Cannot update attribute %s. "
                                  "This attribute is part of the key" % attribute,
                                  self.update, table=False, key=key, expression=expression, vals=vals)
        self.assertEqual(self.stored(key), {"v": 1})

    def test_overlapping_and_conflicting_paths(self):
        key = self.fresh(a={"b": 1})
        self.assertValidation(overlap("UpdateExpression", "[a]", "[a, b]"), self.update, table=False,
                              key=key, expression="SET a = :v, a.b = :w", vals=values(v=1, w=2))
        self.assertValidation(overlap("UpdateExpression", "[a]", "[a]"), self.update, table=False,
                              key=key, expression="SET a = :v REMOVE a", vals=values(v=1))
        self.assertValidation(overlap("UpdateExpression", "[x]", "[x]"), self.update, table=False,
                              key=key, expression="SET x = :v, x = :w", vals=values(v=1, w=2))
        self.assertValidation(overlap("UpdateExpression", "[l, [1]]", "[l, [1], c]"), self.update, table=False,
                              key=key, expression="SET l[1] = :v, l[1].c = :w", vals=values(v=1, w=2))
        self.assertValidation(
            "Invalid UpdateExpression: Two document paths conflict with each other; must remove or rewrite one of "
            "these paths; path one: [a, b], path two: [a, [1]]", self.update, table=False,
            key=key, expression="SET a.b = :v, a[1] = :w", vals=values(v=1, w=2))
        self.assertEqual(self.stored(key), {"a": {"b": 1}})

    def test_nested_set_needs_an_existing_parent(self):
        message = "The document path provided in the update expression is invalid for update"
        key = self.fresh(s="text", l=[1], m={})
        for expression in ["SET absent.b.c = :v", "SET s.x = :v", "SET absent[0] = :v", "SET m.x.y = :v",
                           "SET s[0] = :v", "SET l.x = :v"]:
            self.assertValidation(message, self.update, table=False, key=key, expression=expression, vals=values(v=1))
        self.assertValidation(message, self.update, table=False, key=key, expression="REMOVE absent.b")
        self.assertValidation(message, self.update, table=False, key=self.key(), expression="SET a.b = :v",
                              vals=values(v=1))
        self.assertEqual(self.stored(key), {"s": "text", "l": [1], "m": {}})

    def test_operand_type_errors(self):
        wrong = "An operand in the update expression has an incorrect data type"
        key = self.fresh(s="text", n=1, l=[1], ss={"a"})
        self.assertValidation(wrong, self.update, table=False, key=key, expression="ADD s :v", vals=values(v=1))
        self.assertValidation(wrong, self.update, table=False, key=key, expression="SET x = s + :v", vals=values(v=1))
        self.assertValidation(wrong, self.update, table=False, key=key, expression="SET x = :v - s", vals=values(v=1))
        self.assertValidation(wrong, self.update, table=False, key=key, expression="SET x = list_append(s, :v)",
                              vals=values(v=[1]))
        self.assertValidation(wrong, self.update, table=False, key=key, expression="ADD ss :v", vals=values(v={1}))
        self.assertValidation(wrong, self.update, table=False, key=key, expression="DELETE ss :v", vals=values(v={1}))
        # value operands are checked before the item is read
        self.assertValidation("Invalid UpdateExpression: Incorrect operand type for operator or function; "
                              "operator: ADD, operand type: STRING", self.update, exact=False, table=False,
                              key=key, expression="ADD n :v", vals=values(v="1"))
        self.assertValidation("Invalid UpdateExpression: Incorrect operand type for operator or function; "
                              "operator: ADD, operand type: LIST", self.update, exact=False, table=False,
                              key=key, expression="ADD l :v", vals=values(v=[2]))
        self.assertValidation("Invalid UpdateExpression: Incorrect operand type for operator or function; "
                              "operator: DELETE, operand type: NUMBER", self.update, exact=False, table=False,
                              key=key, expression="DELETE n :v", vals=values(v=1))
        self.assertValidation("Invalid UpdateExpression: Incorrect operand type for operator or function; "
                              "operator or function: +, operand type: S", self.update, table=False,
                              key=key, expression="SET x = :s + :n", vals=values(s="a", n=1))
        self.assertValidation("Invalid UpdateExpression: Incorrect operand type for operator or function; "
                              "operator or function: list_append, operand type: S", self.update, table=False,
                              key=key, expression="SET x = list_append(:s, l)", vals=values(s="a"))
        self.assertValidation("The provided expression refers to an attribute that does not exist in the item",
                              self.update, table=False, key=key, expression="SET x = absent")
        self.assertValidation("The provided expression refers to an attribute that does not exist in the item",
                              self.update, table=False, key=key, expression="SET x = absent + :v", vals=values(v=1))
        self.assertEqual(self.stored(key), {"s": "text", "n": 1, "l": [1], "ss": {"a"}})

    def test_a_section_used_twice(self):
        key = self.fresh(a=1, b=2)
        for expression, section, vals in [
                ("SET a = :v SET b = :v", "SET", values(v=1)),
                ("SET a = :v REMOVE b SET c = :v", "SET", values(v=1)),
                ("REMOVE a REMOVE b", "REMOVE", None),
                ("ADD x :v ADD y :v", "ADD", values(v=1)),
                ("DELETE x :v DELETE y :v", "DELETE", values(v={1}))]:
            self.assertValidation('Invalid UpdateExpression: The "%s" section can only be used once in an update '
                                  'expression;' % section, self.update, table=False, key=key, expression=expression,
                                  vals=vals)
        self.assertEqual(self.stored(key), {"a": 1, "b": 2})

    def test_update_syntax_errors(self):
        key = self.fresh(a=1)
        for expression in ["HELLO a = :v", "SET a", "SET a = :v +", "SET a = :v + :v + :v", "SET a[1] = 1",
                           "SET :v = a", "REMOVE a = :v", "SET a = b * :v", "SET a = :v,"]:
            self.assertValidation("Invalid UpdateExpression: Syntax error; token: ", self.update, exact=False,
                                  table=False, key=key, expression=expression, vals=values(v=1))
        self.assertValidation("Invalid UpdateExpression: The expression can not be empty;", self.update,
                              table=False, key=key, expression="")
        self.assertValidation("Invalid UpdateExpression: Invalid function name; function: f", self.update,
                              table=False, key=key, expression="SET a = f(a)")
        self.assertValidation("Invalid UpdateExpression: Incorrect number of operands for operator or function; "
                              "operator or function: list_append, number of operands: 1", self.update,
                              table=False, key=key, expression="SET a = list_append(:v)", vals=values(v=[1]))
        self.assertValidation("Invalid UpdateExpression: Operator or function requires a document path; "
                              "operator or function: if_not_exists", self.update,
                              table=False, key=key, expression="SET a = if_not_exists(:v, :v)", vals=values(v=1))


# ======================================================================================
# ExpressionAttributeNames and ExpressionAttributeValues
# ======================================================================================

class AttributeNamesAndValuesTest(ExpressionsTestCase):

    def test_undefined_names_and_values(self):
        key = self.fresh(a=1)
        self.assertValidation("Invalid ConditionExpression: An expression attribute value used in expression is not "
                              "defined; attribute value: :nope", self.ddb.delete_item, Key=key,
                              ConditionExpression="a = :nope")
        self.assertValidation("Invalid ConditionExpression: An expression attribute name used in the document path "
                              "is not defined; attribute name: #nope", self.ddb.delete_item, Key=key,
                              ConditionExpression="attribute_exists(#nope)")
        self.assertValidation("Invalid UpdateExpression: An expression attribute value used in expression is not "
                              "defined; attribute value: :nope", self.update, table=False, key=key,
                              expression="SET a = :nope", vals=values(other=1), ConditionExpression="a = :other")
        self.assertValidation("Invalid UpdateExpression: An expression attribute name used in the document path is "
                              "not defined; attribute name: #nope", self.update, table=False, key=key,
                              expression="SET #nope = :v", names={"#a": "a"}, vals=values(v=1),
                              ConditionExpression="attribute_exists(#a)")
        self.assertValidation("Invalid ProjectionExpression: An expression attribute name used in the document path "
                              "is not defined; attribute name: #nope", self.ddb.get_item, Key=key,
                              ProjectionExpression="#nope")
        self.assertEqual(self.stored(key), {"a": 1})

    def test_unused_names_and_values(self):
        key = self.fresh(a=1)
        self.assertValidation("Value provided in ExpressionAttributeValues unused in expressions: keys: {:x}",
                              self.ddb.put_item, Item=dict(key, a={"N": "2"}), ConditionExpression="a = :v",
                              ExpressionAttributeValues=values(v=1, x=2))
        self.assertValidation("Value provided in ExpressionAttributeNames unused in expressions: keys: {#x}",
                              self.ddb.delete_item, Key=key, ConditionExpression="#a = :v",
                              ExpressionAttributeNames={"#a": "a", "#x": "x"}, ExpressionAttributeValues=values(v=1))
        self.assertValidation("Value provided in ExpressionAttributeNames unused in expressions: keys: {#x}",
                              self.ddb.get_item, Key=key, ProjectionExpression="a",
                              ExpressionAttributeNames={"#x": "x"})
        # a name or value used in any of the request's expressions counts as used
        self.update(key, "SET #a = :new", names={"#a": "a", "#c": "a"}, vals=values(new=5, old=1),
                    ConditionExpression="#c = :old")
        # ...even one in a branch that evaluation never needs
        self.update(key, "SET a = :v", names={"#b": "b"}, vals=values(v=6, one=5, two=2),
                    ConditionExpression="a = :one OR #b = :two")
        self.assertEqual(self.stored(key), {"a": 6})

    def test_names_and_values_without_an_expression(self):
        key = self.fresh(a=1)
        self.assertValidation("ExpressionAttributeValues can only be specified when using expressions",
                              self.ddb.put_item, exact=False, Item=key, ExpressionAttributeValues=values(v=1))
        self.assertValidation("ExpressionAttributeNames can only be specified when using expressions",
                              self.ddb.get_item, exact=False, Key=key, ExpressionAttributeNames={"#a": "a"})
        self.assertValidation("ExpressionAttributeValues must not be empty", self.ddb.delete_item,
                              Key=key, ConditionExpression="attribute_exists(a)", ExpressionAttributeValues={})
        self.assertValidation("ExpressionAttributeNames must not be empty", self.ddb.delete_item,
                              Key=key, ConditionExpression="attribute_exists(a)", ExpressionAttributeNames={})
        self.assertValidation('ExpressionAttributeValues contains invalid key: Syntax error; key: "v"',
                              self.ddb.delete_item, Key=key, ConditionExpression="a = :v",
                              ExpressionAttributeValues={":v": {"N": "1"}, "v": {"N": "1"}})
        self.assertValidation('ExpressionAttributeNames contains invalid key: Syntax error; key: "a"',
                              self.ddb.delete_item, Key=key, ConditionExpression="attribute_exists(#a)",
                              ExpressionAttributeNames={"#a": "a", "a": "a"})
        self.assertEqual(self.stored(key), {"a": 1})

    def test_reserved_words_need_names(self):
        key = self.fresh(**{"status": "on", "name": "n", "size": 3})
        self.assertValidation("Invalid ConditionExpression: Attribute name is a reserved keyword; reserved keyword: "
                              "status", self.ddb.delete_item, Key=key, ConditionExpression="status = :v",
                              ExpressionAttributeValues=values(v="on"))
        self.assertValidation("Invalid UpdateExpression: Attribute name is a reserved keyword; reserved keyword: "
                              "name", self.update, table=False, key=key, expression="SET name = :v",
                              vals=values(v="x"))
        self.assertValidation("Invalid UpdateExpression: Attribute name is a reserved keyword; reserved keyword: "
                              "size", self.update, table=False, key=key, expression="SET size = :v",
                              vals=values(v=4))
        self.assertValidation("Invalid ProjectionExpression: Attribute name is a reserved keyword; reserved keyword: "
                              "status", self.ddb.get_item, Key=key, ProjectionExpression="pk, status")
        self.assertValidation("Invalid ConditionExpression: Attribute name is a reserved keyword; reserved keyword: "
                              "name", self.ddb.delete_item, Key=key, ConditionExpression="m.name = :v",
                              ExpressionAttributeValues=values(v="on"))
        # through #names they are ordinary attributes
        self.update(key, "SET #n = :n, #z = #z + :one", names={"#n": "name", "#z": "size", "#s": "status"},
                    vals=values(n="renamed", one=1, on="on"), ConditionExpression="#s = :on")
        self.assertEqual(self.stored(key), {"status": "on", "name": "renamed", "size": 4})
        got = self.ddb.get_item(TableName=self.table, Key=key, ProjectionExpression="#s, #n",
                                ExpressionAttributeNames={"#s": "status", "#n": "name"})["Item"]
        self.assertEqual(got, {"status": {"S": "on"}, "name": {"S": "renamed"}})

    def test_condition_syntax_errors(self):
        key = self.fresh(a=1)
        self.assertValidation('Invalid ConditionExpression: Syntax error; token: "<EOF>", near: "foo"',
                              self.ddb.delete_item, Key=key, ConditionExpression="foo")
        self.assertValidation('Invalid ConditionExpression: Syntax error; token: "<EOF>", near: "("',
                              self.ddb.delete_item, Key=key, ConditionExpression="attribute_not_exists(")
        for condition in ["a = :v AND", "a = = :v", "(a = :v", "a = :v)", "a IN ()", "a BETWEEN :v", "_a = :v",
                          "a === :v", "a = :v a = :v"]:
            self.assertValidation("Invalid ConditionExpression: Syntax error; token: ", self.ddb.delete_item,
                                  exact=False, Key=key, ConditionExpression=condition,
                                  ExpressionAttributeValues=values(v=1))
        self.assertEqual(self.stored(key), {"a": 1})

    def test_redundant_parentheses_and_a_path_compared_with_itself(self):
        key = self.fresh(a=1)
        self.assertValidation("Invalid ConditionExpression: The expression has redundant parentheses;",
                              self.ddb.delete_item, Key=key, ConditionExpression="((a = :v))",
                              ExpressionAttributeValues=values(v=1))
        self.assertValidation("Invalid FilterExpression: The first operand must be distinct from the remaining "
                              "operands for this operator or function; operator: contains, first operand: [a, b]",
                              self.ddb.scan, FilterExpression="contains(a.#b, a.b)",
                              ExpressionAttributeNames={"#b": "b"})
        self.assertEqual(self.stored(key), {"a": 1})

    def test_empty_expressions(self):
        key = self.fresh(a=1)
        self.assertValidation("Invalid ConditionExpression: The expression can not be empty;", self.ddb.delete_item,
                              Key=key, ConditionExpression="")
        self.assertValidation("Invalid ProjectionExpression: The expression can not be empty;", self.ddb.get_item,
                              Key=key, ProjectionExpression="")
        self.assertValidation("Invalid FilterExpression: The expression can not be empty;", self.ddb.scan,
                              FilterExpression="")
        self.assertEqual(self.stored(key), {"a": 1})

    def test_invalid_function_names(self):
        key = self.fresh(a="x")
        self.assertValidation("Invalid ConditionExpression: Invalid function name; function: foo", self.ddb.delete_item,
                              Key=key, ConditionExpression="foo(a)")
        self.assertValidation("Invalid ConditionExpression: Invalid function name; function: bar", self.ddb.delete_item,
                              Key=key, ConditionExpression="bar(a) = :v", ExpressionAttributeValues=values(v=1))
        # function names are case-sensitive
        self.assertValidation("Invalid ConditionExpression: Invalid function name; function: Attribute_Exists",
                              self.ddb.delete_item, Key=key, ConditionExpression="Attribute_Exists(a)")
        self.assertValidation("Invalid ConditionExpression: Incorrect number of operands for operator or function; "
                              "operator or function: begins_with, number of operands: 1", self.ddb.delete_item,
                              Key=key, ConditionExpression="begins_with(a)")
        self.assertValidation("Invalid ConditionExpression: Operator or function requires a document path; "
                              "operator or function: attribute_exists", self.ddb.delete_item,
                              Key=key, ConditionExpression="attribute_exists(:v)", ExpressionAttributeValues=values(v=1))
        self.assertEqual(self.stored(key), {"a": "x"})


# ======================================================================================
# ProjectionExpression and FilterExpression
# ======================================================================================

class ProjectionAndFilterTest(ExpressionsTestCase):

    def scan_table(self, count):
        """A new hash-key table (id N) with items id=0..count-1, n=id, parity, tags, doc."""
        table = unique("scan")
        self.ddb.create_table(TableName=table, BillingMode="PAY_PER_REQUEST",
                              KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                              AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "N"}])
        self.ddb.get_waiter("table_exists").wait(TableName=table, WaiterConfig={"Delay": 1, "MaxAttempts": 60})
        for i in range(count):
            item = {"id": av(i), "n": av(i), "parity": av("even" if i % 2 == 0 else "odd"),
                    "doc": av({"sq": i * i, "list": [i, "x"]})}
            if i % 3 == 0:
                item["tags"] = av({"three", "t%d" % i})
            self.ddb.put_item(TableName=table, Item=item)
        return table

    def test_get_item_projection(self):
        key = self.fresh(a="A", b="B", m={"x": 1, "y": {"z": 2, "w": 3}}, l=["l0", {"k": "v", "o": 1}, "l2"])
        get = lambda expr, **kw: self.ddb.get_item(TableName=self.table, Key=key, ProjectionExpression=expr,
                                                   ConsistentRead=True, **kw)["Item"]
        self.assertEqual(get("a, b"), {"a": {"S": "A"}, "b": {"S": "B"}})  # the key is not added
        self.assertEqual(get(" pk ,sk "), key)
        self.assertEqual(get("m.y.z"), {"m": {"M": {"y": {"M": {"z": {"N": "2"}}}}}})
        self.assertEqual(get("m.x, m.y.w"), {"m": {"M": {"x": {"N": "1"}, "y": {"M": {"w": {"N": "3"}}}}}})
        self.assertEqual(get("l[1]"), {"l": {"L": [{"M": {"k": {"S": "v"}, "o": {"N": "1"}}}]}})
        self.assertEqual(get("l[0], l[2]"), {"l": {"L": [{"S": "l0"}, {"S": "l2"}]}})
        self.assertEqual(get("l[1].k"), {"l": {"L": [{"M": {"k": {"S": "v"}}}]}})
        self.assertEqual(get("#m.#y.#z, #a", ExpressionAttributeNames={"#m": "m", "#y": "y", "#z": "z", "#a": "a"}),
                         {"m": {"M": {"y": {"M": {"z": {"N": "2"}}}}}, "a": {"S": "A"}})
        # paths that lead nowhere are left out; an existing item with none of them is an empty Item
        self.assertEqual(get("absent, m.nope, l[7], a.b, b[0]"), {})
        self.assertEqual(get("a, absent"), {"a": {"S": "A"}})
        self.assertNotIn("Item", self.ddb.get_item(TableName=self.table, Key=self.key(), ProjectionExpression="a"))

    def test_projection_overlap_and_conflict(self):
        key = self.fresh(a={"b": [1]})
        self.assertValidation(overlap("ProjectionExpression", "[a]", "[a, b]"), self.ddb.get_item,
                              Key=key, ProjectionExpression="a, a.b")
        self.assertValidation(overlap("ProjectionExpression", "[a, b]", "[a]"), self.ddb.get_item,
                              Key=key, ProjectionExpression="a.b, a")
        self.assertValidation(overlap("ProjectionExpression", "[a, b, [0]]", "[a, b, [0]]"), self.ddb.get_item,
                              Key=key, ProjectionExpression="a.b[0], a.b[0]")
        self.assertValidation(overlap("ProjectionExpression", "[a]", "[a]"), self.ddb.get_item,
                              Key=key, ProjectionExpression="a, #a", ExpressionAttributeNames={"#a": "a"})
        self.assertValidation(
            "Invalid ProjectionExpression: Two document paths conflict with each other; must remove or rewrite one of "
            "these paths; path one: [a, b], path two: [a, [1]]", self.ddb.get_item,
            Key=key, ProjectionExpression="a.b, a[1]")
        self.assertValidation("Invalid ProjectionExpression: Syntax error; token: ", self.ddb.get_item, exact=False,
                              Key=key, ProjectionExpression="a,")
        # siblings do not overlap
        self.assertEqual(self.ddb.get_item(TableName=self.table, Key=key, ProjectionExpression="a.b[0], a.c")["Item"],
                         {"a": {"M": {"b": {"L": [{"N": "1"}]}}}})

    def test_scan_projection(self):
        table = self.scan_table(4)
        items = self.ddb.scan(TableName=table, ProjectionExpression="id, doc.sq, doc.#l[1]",
                              ExpressionAttributeNames={"#l": "list"})["Items"]
        self.assertEqual(sorted(items, key=lambda i: int(i["id"]["N"])),
                         [{"id": av(i), "doc": {"M": {"sq": av(i * i), "list": {"L": [{"S": "x"}]}}}} for i in range(4)])
        only_tags = self.ddb.scan(TableName=table, ProjectionExpression="tags")["Items"]
        self.assertEqual(sorted(len(i) for i in only_tags), [0, 0, 1, 1])  # items without tags come back empty

    def test_filter_counts_scanned_and_matched(self):
        table = self.scan_table(10)
        page = self.ddb.scan(TableName=table, FilterExpression="n >= :five", ExpressionAttributeValues=values(five=5))
        self.assertEqual(page["Count"], 5)
        self.assertEqual(page["ScannedCount"], 10)
        self.assertEqual(sorted(int(i["n"]["N"]) for i in page["Items"]), [5, 6, 7, 8, 9])
        self.assertNotIn("LastEvaluatedKey", page)
        counted = self.ddb.scan(TableName=table, Select="COUNT", FilterExpression="#p = :odd AND contains(tags, :t)",
                                ExpressionAttributeNames={"#p": "parity"}, ExpressionAttributeValues=values(odd="odd", t="three"))
        self.assertEqual((counted["Count"], counted["ScannedCount"]), (2, 10))  # ids 3 and 9
        self.assertNotIn("Items", counted)
        mixed = self.ddb.scan(TableName=table, FilterExpression="attribute_not_exists(tags) AND doc.sq > :v",
                              ProjectionExpression="id", ExpressionAttributeValues=values(v=40))
        self.assertEqual(sorted(int(i["id"]["N"]) for i in mixed["Items"]), [7, 8])
        self.assertEqual(mixed["Items"][0].keys(), {"id"})
        none = self.ddb.scan(TableName=table, FilterExpression="n > :v", ExpressionAttributeValues=values(v=100))
        self.assertEqual((none["Count"], none["ScannedCount"], none["Items"]), (0, 10, []))

    def test_limit_applies_before_the_filter(self):
        table = self.scan_table(10)
        matched, scanned, pages, start = [], 0, 0, None
        while True:
            kwargs = dict(TableName=table, Limit=4, FilterExpression="parity = :even",
                          ExpressionAttributeValues=values(even="even"))
            if start:
                kwargs["ExclusiveStartKey"] = start
            page = self.ddb.scan(**kwargs)
            pages += 1
            self.assertLessEqual(page["ScannedCount"], 4)
            self.assertEqual(page["Count"], len(page["Items"]))
            self.assertLessEqual(page["Count"], page["ScannedCount"])
            matched += [int(i["id"]["N"]) for i in page["Items"]]
            scanned += page["ScannedCount"]
            start = page.get("LastEvaluatedKey")
            if not start:
                break
            self.assertEqual(page["ScannedCount"], 4)  # a page that stops early read exactly Limit items
        self.assertEqual(sorted(matched), [0, 2, 4, 6, 8])
        self.assertEqual(scanned, 10)
        self.assertIn(pages, (3, 4))  # 4+4+2, plus possibly one empty page after the last full one

    def test_filter_errors(self):
        table = self.scan_table(1)
        self.assertValidation("Invalid FilterExpression: An expression attribute value used in expression is not "
                              "defined; attribute value: :nope", self.ddb.scan, TableName=table,
                              FilterExpression="n = :nope")
        self.assertValidation("Value provided in ExpressionAttributeValues unused in expressions: keys: {:x}",
                              self.ddb.scan, TableName=table, FilterExpression="n = :v",
                              ExpressionAttributeValues=values(v=1, x=2))
        self.assertValidation("Invalid FilterExpression: Attribute name is a reserved keyword; reserved keyword: data",
                              self.ddb.scan, TableName=table, FilterExpression="attribute_exists(data)")
        self.assertValidation("Invalid FilterExpression: The function is not allowed to be used this way in an "
                              "expression; function: size", self.ddb.scan, TableName=table, FilterExpression="size(n)")


# ======================================================================================
# Legacy parameters
# ======================================================================================

class LegacyParametersTest(ExpressionsTestCase):

    def expect(self, key, expected, operator=None):
        """Whether the legacy Expected map holds (unchanged re-put under it)."""
        kwargs = {"TableName": self.table, "Item": self.raw(key), "Expected": expected}
        if operator:
            kwargs["ConditionalOperator"] = operator
        try:
            self.ddb.put_item(**kwargs)
            return True
        except ClientError as e:
            if e.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise
            self.assertEqual(e.response["Error"]["Message"], CONDITION_FAILED)
            return False

    def test_expected_value_and_exists(self):
        key = self.fresh(a="x", n=5)
        self.assertTrue(self.expect(key, {"a": {"Value": av("x")}}))
        self.assertFalse(self.expect(key, {"a": {"Value": av("y")}}))
        self.assertTrue(self.expect(key, {"a": {"Value": av("x"), "Exists": True}}))
        self.assertTrue(self.expect(key, {"absent": {"Exists": False}}))
        self.assertFalse(self.expect(key, {"a": {"Exists": False}}))
        self.assertFalse(self.expect(key, {"n": {"Value": av("5")}}))  # N 5 is not S "5"
        self.assertTrue(self.expect(key, {"a": {"Value": av("x")}, "n": {"Value": av(5)}}))  # AND by default
        self.assertValidation("One or more parameter values were invalid: Value must be provided when Exists is true "
                              "for Attribute: a", self.ddb.put_item, Item=key, Expected={"a": {"Exists": True}})
        self.assertValidation("One or more parameter values were invalid: Value cannot be used when Exists is false "
                              "for Attribute: a", self.ddb.put_item, Item=key,
                              Expected={"a": {"Exists": False, "Value": av("x")}})
        self.assertEqual(self.stored(key), {"a": "x", "n": 5})

    def test_expected_comparison_operators(self):
        key = self.fresh(n=5, s="hello", ss={"a", "b"}, l=[1, "x"])
        cases = [
            ("n", "EQ", [5], True), ("n", "EQ", [6], False), ("n", "NE", [6], True), ("n", "NE", [5], False),
            ("n", "LT", [6], True), ("n", "LE", [5], True), ("n", "GT", [5], False), ("n", "GE", [5], True),
            ("s", "LT", ["help"], True), ("s", "GT", ["hello"], False),
            ("n", "BETWEEN", [1, 5], True), ("n", "BETWEEN", [6, 9], False),
            ("n", "IN", [1, 5, 9], True), ("n", "IN", [1, 9], False),
            ("s", "BEGINS_WITH", ["he"], True), ("s", "BEGINS_WITH", ["lo"], False),
            ("s", "CONTAINS", ["ell"], True), ("ss", "CONTAINS", ["a"], True), ("ss", "CONTAINS", ["c"], False),
            ("l", "CONTAINS", ["x"], True), ("ss", "NOT_CONTAINS", ["c"], True), ("s", "NOT_CONTAINS", ["ell"], False),
            ("n", "NOT_NULL", [], True), ("absent", "NOT_NULL", [], False),
            ("absent", "NULL", [], True), ("n", "NULL", [], False),
            ("n", "GT", ["1"], False),   # a string against a number is false
        ]
        for name, operator, operands, expected in cases:
            condition = {"ComparisonOperator": operator}
            if operands:
                condition["AttributeValueList"] = [av(v) for v in operands]
            self.assertEqual(self.expect(key, {name: condition}), expected, (name, operator, operands))
        self.assertValidation("One or more parameter values were invalid: Invalid number of argument(s) for the EQ "
                              "ComparisonOperator", self.ddb.put_item, Item=key,
                              Expected={"n": {"ComparisonOperator": "EQ", "AttributeValueList": [av(1), av(2)]}})
        self.assertValidation("One or more parameter values were invalid: Invalid number of argument(s) for the "
                              "BETWEEN ComparisonOperator", self.ddb.put_item, Item=key,
                              Expected={"n": {"ComparisonOperator": "BETWEEN", "AttributeValueList": [av(1)]}})

    def test_conditional_operator(self):
        key = self.fresh(a=1, b=2)
        right = {"ComparisonOperator": "EQ", "AttributeValueList": [av(1)]}
        wrong = {"ComparisonOperator": "EQ", "AttributeValueList": [av(3)]}
        self.assertTrue(self.expect(key, {"a": right, "b": wrong}, "OR"))
        self.assertFalse(self.expect(key, {"a": right, "b": wrong}, "AND"))
        self.assertFalse(self.expect(key, {"a": right, "b": wrong}))
        self.assertFalse(self.expect(key, {"a": wrong, "b": wrong}, "OR"))
        self.assertConditionFails(self.ddb.delete_item, Key=key, Expected={"a": wrong, "b": wrong},
                                  ConditionalOperator="OR")
        self.ddb.delete_item(TableName=self.table, Key=key, Expected={"a": wrong, "b": {"Value": av(2)}},
                             ConditionalOperator="OR")
        self.assertIsNone(self.raw(key))

    def test_attribute_updates(self):
        key = self.fresh(put="old", n=5, ss={"a", "b"}, drop="x", l=[1])
        response = self.ddb.update_item(
            TableName=self.table, Key=key, ReturnValues="UPDATED_NEW",
            AttributeUpdates={"put": {"Action": "PUT", "Value": av("new")},
                              "n": {"Action": "ADD", "Value": av(3)},
                              "created": {"Action": "ADD", "Value": av(2)},
                              "ss": {"Action": "ADD", "Value": av({"c"})},
                              "l": {"Action": "ADD", "Value": av([2])},
                              "drop": {"Action": "DELETE"},
                              "implicit": {"Value": av(True)}})  # Action defaults to PUT
        self.assertEqual(plain(response["Attributes"]), {"put": "new", "n": 8, "created": 2, "ss": {"a", "b", "c"},
                                                         "l": [1, 2], "implicit": True})
        self.assertEqual(self.stored(key), {"put": "new", "n": 8, "created": 2, "ss": {"a", "b", "c"}, "l": [1, 2],
                                            "implicit": True})
        self.ddb.update_item(TableName=self.table, Key=key,
                             AttributeUpdates={"ss": {"Action": "DELETE", "Value": av({"a", "zz"})}})
        self.assertEqual(self.stored(key)["ss"], {"b", "c"})
        self.ddb.update_item(TableName=self.table, Key=key,
                             AttributeUpdates={"ss": {"Action": "DELETE", "Value": av({"b", "c"})}},
                             Expected={"put": {"Value": av("new")}})
        self.assertNotIn("ss", self.stored(key))
        self.assertConditionFails(self.ddb.update_item, Key=key, Expected={"put": {"Value": av("old")}},
                                  AttributeUpdates={"put": {"Action": "PUT", "Value": av("never")}})
        upsert = self.key()
        self.ddb.update_item(TableName=self.table, Key=upsert, AttributeUpdates={"v": {"Action": "ADD", "Value": av(1)}})
        self.assertEqual(self.raw(upsert), dict(upsert, v={"N": "1"}))
        self.assertValidation("One or more parameter values were invalid: Cannot update attribute sk. This attribute "
                              "is part of the key", self.ddb.update_item, Key=key,
                              AttributeUpdates={"sk": {"Action": "PUT", "Value": av(9)}})

    def test_scan_filter_and_attributes_to_get(self):
        table = unique("legacy")
        self.ddb.create_table(TableName=table, BillingMode="PAY_PER_REQUEST",
                              KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                              AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "N"}])
        self.ddb.get_waiter("table_exists").wait(TableName=table, WaiterConfig={"Delay": 1, "MaxAttempts": 60})
        for i in range(6):
            self.ddb.put_item(TableName=table, Item={"id": av(i), "n": av(i * 10), "s": av("s%d" % i)})
        page = self.ddb.scan(TableName=table, ScanFilter={"n": {"ComparisonOperator": "GE",
                                                                "AttributeValueList": [av(30)]}},
                             AttributesToGet=["id", "n"])
        self.assertEqual((page["Count"], page["ScannedCount"]), (3, 6))
        self.assertEqual(sorted((plain(i)["id"], plain(i)["n"]) for i in page["Items"]), [(3, 30), (4, 40), (5, 50)])
        self.assertTrue(all(i.keys() == {"id", "n"} for i in page["Items"]))
        either = self.ddb.scan(TableName=table, ConditionalOperator="OR",
                               ScanFilter={"n": {"ComparisonOperator": "LT", "AttributeValueList": [av(10)]},
                                           "s": {"ComparisonOperator": "EQ", "AttributeValueList": [av("s5")]}})
        self.assertEqual(sorted(plain(i)["id"] for i in either["Items"]), [0, 5])
        got = self.ddb.get_item(TableName=table, Key={"id": av(2)}, AttributesToGet=["s", "absent"])
        self.assertEqual(got["Item"], {"s": {"S": "s2"}})

    def test_legacy_and_expression_parameters_do_not_mix(self):
        key = self.fresh(a=1)
        prefix = "Can not use both expression and non-expression parameters in the same request: "
        self.assertValidation(prefix + "Non-expression parameters: {AttributesToGet} Expression parameters: "
                              "{ProjectionExpression}", self.ddb.get_item, Key=key, AttributesToGet=["a"],
                              ProjectionExpression="a")
        self.assertValidation(prefix + "Non-expression parameters: {Expected} Expression parameters: "
                              "{ConditionExpression}", self.ddb.put_item, Item=key,
                              Expected={"a": {"Exists": False}}, ConditionExpression="attribute_not_exists(a)")
        self.assertValidation(prefix + "Non-expression parameters: {AttributeUpdates} Expression parameters: "
                              "{UpdateExpression}", self.ddb.update_item, Key=key, UpdateExpression="SET a = :v",
                              ExpressionAttributeValues=values(v=2),
                              AttributeUpdates={"b": {"Action": "PUT", "Value": av(1)}})
        self.assertValidation(prefix + "Non-expression parameters: {ScanFilter} Expression parameters: "
                              "{FilterExpression}", self.ddb.scan, FilterExpression="a = :v",
                              ExpressionAttributeValues=values(v=1),
                              ScanFilter={"a": {"ComparisonOperator": "NOT_NULL"}})
        self.assertValidation(prefix, self.ddb.update_item, exact=False, Key=key,
                              AttributeUpdates={"a": {"Action": "PUT", "Value": av(2)}},
                              ConditionExpression="a = :v", ExpressionAttributeValues=values(v=1))
        self.assertEqual(self.stored(key), {"a": 1})


# ======================================================================================
# boto3 resource layer
# ======================================================================================

class ResourceLayerTest(ExpressionsTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.resource = boto3.session.Session().resource(
            "dynamodb", endpoint_url=cls.server.endpoint, region_name="us-east-1",
            aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key=harness.DUMMY_SECRET)
        cls.res_table = cls.resource.Table(cls.table)

    def test_update_item_with_condition_builders(self):
        pk = unique("res")
        self.res_table.put_item(Item={"pk": pk, "sk": 1, "status": "open", "count": 1, "tags": {"a", "b"},
                                      "name": "widget", "l": [1, 2, 3]})
        condition = (Key("pk").eq(pk) & Attr("status").eq("open") & Attr("count").lt(5)
                     & Attr("tags").contains("a") & Attr("name").begins_with("wid") & Attr("l").size().gt(2)
                     & Attr("absent").not_exists() & Attr("count").between(1, 4) & Attr("status").is_in(["open", "new"]))
        response = self.res_table.update_item(
            Key={"pk": pk, "sk": 1}, UpdateExpression="SET #st = :st ADD #cnt :one",
            ConditionExpression=condition, ExpressionAttributeNames={"#st": "status", "#cnt": "count"},
            ExpressionAttributeValues={":st": "closed", ":one": 1}, ReturnValues="UPDATED_NEW")
        self.assertEqual(response["Attributes"], {"status": "closed", "count": decimal.Decimal(2)})
        with self.assertRaises(self.res_table.meta.client.exceptions.ConditionalCheckFailedException) as cm:
            self.res_table.update_item(Key={"pk": pk, "sk": 1}, UpdateExpression="SET #st = :st",
                                       ConditionExpression=Attr("status").eq("open") | ~Attr("count").exists(),
                                       ExpressionAttributeNames={"#st": "status"},
                                       ExpressionAttributeValues={":st": "reopened"})
        self.assertEqual(cm.exception.response["Error"]["Message"], CONDITION_FAILED)
        got = self.res_table.get_item(Key={"pk": pk, "sk": 1}, ConsistentRead=True)["Item"]
        self.assertEqual(got["status"], "closed")
        self.assertEqual(got["count"], decimal.Decimal(2))
        self.res_table.delete_item(Key={"pk": pk, "sk": 1}, ConditionExpression=Attr("status").ne("open"))
        self.assertNotIn("Item", self.res_table.get_item(Key={"pk": pk, "sk": 1}, ConsistentRead=True))

    def test_scan_with_filter_builders(self):
        table_name = unique("resscan")
        self.ddb.create_table(TableName=table_name, BillingMode="PAY_PER_REQUEST",
                              KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                              AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "N"}])
        self.ddb.get_waiter("table_exists").wait(TableName=table_name, WaiterConfig={"Delay": 1, "MaxAttempts": 60})
        table = self.resource.Table(table_name)
        for i in range(8):
            item = {"id": i, "value": decimal.Decimal(i) / 2, "kind": "even" if i % 2 == 0 else "odd"}
            if i > 4:
                item["flag"] = True
            table.put_item(Item=item)
        page = table.scan(FilterExpression=Attr("value").between(1, 3) & Attr("kind").eq("even"),
                          ProjectionExpression="id, #v", ExpressionAttributeNames={"#v": "value"})
        self.assertEqual(sorted(page["Items"], key=lambda i: i["id"]),
                         [{"id": 2, "value": 1}, {"id": 4, "value": 2}, {"id": 6, "value": 3}])
        self.assertEqual((page["Count"], page["ScannedCount"]), (3, 8))
        flagged = table.scan(FilterExpression=Attr("flag").exists() | Attr("id").is_in([0]))["Items"]
        self.assertEqual(sorted(i["id"] for i in flagged), [0, 5, 6, 7])


# ======================================================================================
# AWS CLI
# ======================================================================================

@unittest.skipUnless(harness.aws_cli_installed(), "AWS CLI not installed at %s" % harness.AWS_CLI)
class ExpressionsCliTest(harness.AwsCliMixin, ExpressionsTestCase):
    cli_service = "dynamodb"

    def test_update_item_with_expressions_and_a_failing_condition(self):
        key = self.key()
        self.aws("put-item", "--table-name", self.table, "--item",
                 json.dumps(dict(key, count={"N": "1"}, label={"S": "start"})))
        args = ["update-item", "--table-name", self.table, "--key", json.dumps(key),
                "--update-expression", "SET #c = #c + :inc, label = :label",
                "--condition-expression", "attribute_exists(pk) AND #c < :max",
                "--expression-attribute-names", json.dumps({"#c": "count"}),
                "--expression-attribute-values", json.dumps({":inc": {"N": "1"}, ":max": {"N": "2"},
                                                             ":label": {"S": "cli"}}),
                "--return-values", "UPDATED_NEW"]
        out = self.aws(*args)
        self.assertEqual(out, {"Attributes": {"count": {"N": "2"}, "label": {"S": "cli"}}})
        proc = self.aws(*args, check=False)  # count is 2 now: not < 2
        self.assertEqual(proc.returncode, 254, proc.stderr)
        # the CLI may add "(reached max retries: 0)" after "operation", so check the parts
        self.assertIn("An error occurred (ConditionalCheckFailedException) when calling the UpdateItem operation",
                      proc.stderr)
        self.assertIn(": The conditional request failed", proc.stderr)
        got = self.aws("get-item", "--table-name", self.table, "--key", json.dumps(key), "--consistent-read",
                       "--projection-expression", "#c, label", "--expression-attribute-names", json.dumps({"#c": "count"}))
        self.assertEqual(got, {"Item": {"count": {"N": "2"}, "label": {"S": "cli"}}})


if __name__ == "__main__":
    unittest.main()
