"""DynamoDB PartiQL: ExecuteStatement (INSERT, SELECT as a query or a scan, UPDATE, DELETE,
parameters, RETURNING, paging with Limit and NextToken, indexes), BatchExecuteStatement
(answers in statement order, one error per statement) and ExecuteTransaction (all or
nothing writes with cancellation reasons, reads, ClientRequestToken), and the AWS CLI.

Messages asserted in full are DynamoDB's own, as pinned against DynamoDB by public test
suites (the PartiQL grammar and error texts) and its developer guide; where only the error
code could be confirmed, only the code is asserted."""

import json
import unittest
import uuid

from botocore.exceptions import ClientError

try:
    from . import harness
    from .dynamodb_helpers import unique, S, N
except ImportError:  # run with the test directory itself as the top level
    import harness
    from dynamodb_helpers import unique, S, N


def malformed(detail):
    return "Statement wasn't well formed, can't be processed: " + detail


class PartiqlTestCase(harness.ServerTestCase):
    """Two tables: `hash_table` (pk S) and `range_table` (pk S + sk N, with a global
    index `by-g` on g that projects only the keys)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ddb = cls.server.client("dynamodb")
        # The server's own checks, not botocore's.
        cls.unchecked = cls.server.client("dynamodb", parameter_validation=False)
        cls.hash_table = unique("pqh")
        cls.range_table = unique("pqr")
        cls.create_table(cls.hash_table, [("pk", "HASH")], [("pk", "S")])
        cls.create_table(cls.range_table, [("pk", "HASH"), ("sk", "RANGE")], [("pk", "S"), ("sk", "N"), ("g", "S")],
                         GlobalSecondaryIndexes=[{"IndexName": "by-g",
                                                  "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                                                  "Projection": {"ProjectionType": "KEYS_ONLY"}}])

    @classmethod
    def create_table(cls, name, key_schema, attributes, **kwargs):
        cls.ddb.create_table(TableName=name, BillingMode="PAY_PER_REQUEST",
                             KeySchema=[{"AttributeName": a, "KeyType": k} for a, k in key_schema],
                             AttributeDefinitions=[{"AttributeName": a, "AttributeType": t} for a, t in attributes], **kwargs)
        cls.ddb.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 30})

    def run_statement(self, statement, **kwargs):
        response = self.ddb.execute_statement(Statement=statement, **kwargs)
        response.pop("ResponseMetadata")
        return response

    def get(self, table, key):
        return self.ddb.get_item(TableName=table, Key=key, ConsistentRead=True).get("Item")

    def assertError(self, code, message, call, *args, **kwargs):
        """`call(*args, **kwargs)` fails with `code` and exactly `message` (when given);
        returns the error response."""
        with self.assertRaises(ClientError) as cm:
            call(*args, **kwargs)
        response = cm.exception.response
        self.assertEqual(response["Error"]["Code"], code, response)
        if message is not None:
            self.assertEqual(response["Error"]["Message"], message)
        self.assertEqual(response["ResponseMetadata"]["HTTPStatusCode"], 400)
        return response

    def assertStatementError(self, code, message, statement, **kwargs):
        return self.assertError(code, message, self.ddb.execute_statement, Statement=statement, **kwargs)

    def has_member(self, operation, member, nested=None):
        """Whether this botocore's model has the member (older ones lack some)."""
        shape = self.ddb.meta.service_model.operation_model(operation).input_shape
        if nested:
            shape = shape.members[nested].member
        return member in shape.members


class ExecuteStatementTest(PartiqlTestCase):

    def test_insert_writes_every_literal_type(self):
        pk = unique("ins")
        out = self.run_statement(
            "INSERT INTO \"%s\" VALUE {'pk': '%s', 'n': 1.50, 'neg': -2, 'e': 1e3, 'quote': 'it''s', 't': true, "
            "'nul': null, 'l': [1, 'x'], 'm': {'k': {'deep': false}}, 'ss': <<'a', 'b'>>, 'ns': <<1, 2.5>>}"
            % (self.hash_table, pk))
        self.assertEqual(out, {"Items": []})
        item = self.get(self.hash_table, {"pk": S(pk)})
        self.assertEqual(item, {
            "pk": S(pk), "n": N("1.5"), "neg": N(-2), "e": N(1000), "quote": S("it's"), "t": {"BOOL": True},
            "nul": {"NULL": True}, "l": {"L": [N(1), S("x")]}, "m": {"M": {"k": {"M": {"deep": {"BOOL": False}}}}},
            "ss": {"SS": ["a", "b"]}, "ns": {"NS": ["1", "2.5"]}})

    def test_insert_of_an_existing_key_is_a_duplicate(self):
        pk = unique("dup")
        self.run_statement("INSERT INTO \"%s\" VALUE {'pk': '%s', 'v': 'first'}" % (self.hash_table, pk))
        self.assertStatementError("DuplicateItemException", "Duplicate primary key exists in table",
                                  "INSERT INTO \"%s\" VALUE {'pk': '%s', 'v': 'second'}" % (self.hash_table, pk))
        self.assertEqual(self.get(self.hash_table, {"pk": S(pk)})["v"], S("first"))
        # after a DELETE the key can be inserted again
        self.run_statement("DELETE FROM \"%s\" WHERE pk = '%s'" % (self.hash_table, pk))
        self.run_statement("INSERT INTO \"%s\" VALUE {'pk': '%s', 'v': 'again'}" % (self.hash_table, pk))
        self.assertEqual(self.get(self.hash_table, {"pk": S(pk)})["v"], S("again"))

    def test_select_by_partition_key_is_a_query_in_sort_key_order(self):
        pk = unique("q")
        for sk in (3, 1, 10, 2):
            self.ddb.put_item(TableName=self.range_table, Item={"pk": S(pk), "sk": N(sk), "v": S("v%d" % sk)})
        table = self.range_table
        rows = self.run_statement("SELECT * FROM \"%s\" WHERE pk = '%s'" % (table, pk))["Items"]
        self.assertEqual([r["sk"]["N"] for r in rows], ["1", "2", "3", "10"])
        self.assertEqual(rows[0], {"pk": S(pk), "sk": N(1), "v": S("v1")})
        rows = self.run_statement("SELECT sk FROM \"%s\" WHERE pk = '%s' ORDER BY sk DESC" % (table, pk))["Items"]
        self.assertEqual(rows, [{"sk": N(10)}, {"sk": N(3)}, {"sk": N(2)}, {"sk": N(1)}])
        rows = self.run_statement("SELECT sk FROM \"%s\" WHERE pk = '%s' AND sk BETWEEN 2 AND 3" % (table, pk))["Items"]
        self.assertEqual(rows, [{"sk": N(2)}, {"sk": N(3)}])
        rows = self.run_statement("SELECT sk FROM \"%s\" WHERE pk = '%s' AND sk > 2 AND v <> 'v10'" % (table, pk))["Items"]
        self.assertEqual(rows, [{"sk": N(3)}])
        none = self.run_statement("SELECT * FROM \"%s\" WHERE pk = '%s'" % (table, unique("none")))
        self.assertEqual(none["Items"], [])

    def test_select_without_the_partition_key_scans_with_a_filter(self):
        marker = unique("scan")
        for i in range(4):
            self.ddb.put_item(TableName=self.hash_table, Item={"pk": S(unique("s")), "marker": S(marker), "n": N(i)})
        rows = self.run_statement("SELECT n FROM \"%s\" WHERE marker = ? AND n >= 2" % self.hash_table,
                                  Parameters=[S(marker)])["Items"]
        self.assertEqual(sorted(r["n"]["N"] for r in rows), ["2", "3"])
        missing = self.run_statement("SELECT n FROM \"%s\" WHERE marker = ? AND other IS MISSING AND n IS NOT MISSING"
                                     % self.hash_table, Parameters=[S(marker)])["Items"]
        self.assertEqual(len(missing), 4)

    def test_select_in_on_the_partition_key(self):
        a, b, c = unique("ina"), unique("inb"), unique("inc")
        for pk in (a, b, c):
            self.ddb.put_item(TableName=self.range_table, Item={"pk": S(pk), "sk": N(1)})
        rows = self.run_statement("SELECT pk FROM \"%s\" WHERE pk IN [?, ?]" % self.range_table,
                                  Parameters=[S(a), S(b)])["Items"]
        self.assertEqual(sorted(r["pk"]["S"] for r in rows), sorted([a, b]))
        # one item a page, across the partitions, in the order ORDER BY asks for
        statement = "SELECT pk FROM \"%s\" WHERE pk IN [?, ?, ?] ORDER BY pk DESC" % self.range_table
        seen, kwargs = [], {}
        for _ in range(5):
            page = self.run_statement(statement, Parameters=[S(a), S(b), S(c)], Limit=1, **kwargs)
            seen += [r["pk"]["S"] for r in page["Items"]]
            if "NextToken" not in page:
                break
            kwargs["NextToken"] = page["NextToken"]
        self.assertEqual(seen, sorted([a, b, c], reverse=True))

    def test_projected_paths_are_named_by_their_last_step(self):
        pk = unique("proj")
        self.ddb.put_item(TableName=self.hash_table, Item={
            "pk": S(pk), "mymap": {"M": {"nested": S("deep")}}, "l": {"L": [S("zero"), S("one")]}, "extra": S("no")})
        rows = self.run_statement("SELECT mymap.nested, l[1], pk FROM \"%s\" WHERE pk = '%s'" % (self.hash_table, pk))
        self.assertEqual(rows["Items"], [{"nested": S("deep"), "l[1]": S("one"), "pk": S(pk)}])

    def test_functions_in_where(self):
        pk = unique("fn")
        for sk, name in ((1, "apple"), (2, "apricot"), (3, "banana")):
            self.ddb.put_item(TableName=self.range_table, Item={
                "pk": S(pk), "sk": N(sk), "name": S(name), "tags": {"SS": [name[0], "fruit"]}})
        table = self.range_table

        def sks(where, parameters=None):
            kwargs = {"Parameters": parameters} if parameters else {}
            rows = self.run_statement("SELECT sk FROM \"%s\" WHERE pk = '%s' AND %s" % (table, pk, where), **kwargs)
            return [r["sk"]["N"] for r in rows["Items"]]

        self.assertEqual(sks("begins_with(\"name\", 'ap')"), ["1", "2"])
        self.assertEqual(sks("contains(tags, 'b')"), ["3"])
        self.assertEqual(sks("size(\"name\") > 5"), ["2", "3"])
        self.assertEqual(sks("attribute_type(tags, 'SS') AND NOT \"name\" = 'apple'"), ["2", "3"])
        self.assertEqual(sks("\"name\" IN ['banana', 'apple']"), ["1", "3"])
        self.assertEqual(sks("(sk = 1 OR sk = 3) AND \"name\" <> ?", [S("apple")]), ["3"])
        self.assertEqual(sks("tags = ?", [{"SS": ["fruit", "a"]}]), ["1", "2"])  # sets compare without order

    def test_paging_with_limit_and_next_token(self):
        pk = unique("page")
        for sk in range(5):
            self.ddb.put_item(TableName=self.range_table, Item={"pk": S(pk), "sk": N(sk)})
        statement = "SELECT sk FROM \"%s\" WHERE pk = ?" % self.range_table
        seen, kwargs, pages = [], {"Limit": 2}, 0
        while True:
            page = self.run_statement(statement, Parameters=[S(pk)], **kwargs)
            pages += 1
            seen += [r["sk"]["N"] for r in page["Items"]]
            if "NextToken" not in page:
                break
            kwargs["NextToken"] = page["NextToken"]
            self.assertLess(pages, 10)
        self.assertEqual(seen, ["0", "1", "2", "3", "4"])
        self.assertEqual(pages, 3)
        # a token belongs to the statement that gave it
        first = self.run_statement(statement, Parameters=[S(pk)], Limit=1)
        self.assertError("ValidationException", None, self.ddb.execute_statement,
                         Statement="SELECT * FROM \"%s\"" % self.range_table, NextToken=first["NextToken"])
        self.assertError("ValidationException", None, self.ddb.execute_statement, Statement=statement,
                         Parameters=[S(pk)], NextToken="not-a-token")

    def test_parameters_bind_in_order_and_must_match(self):
        pk = unique("par")
        self.run_statement("INSERT INTO \"%s\" VALUE {'pk': ?, 'l': ?, 'm': {'x': ?}}" % self.hash_table,
                           Parameters=[S(pk), {"L": [N(1)]}, {"SS": ["q"]}])
        self.assertEqual(self.get(self.hash_table, {"pk": S(pk)}),
                         {"pk": S(pk), "l": {"L": [N(1)]}, "m": {"M": {"x": {"SS": ["q"]}}}})
        message = "Number of parameters in request and statement don't match."
        self.assertStatementError("ValidationException", message, "SELECT * FROM \"%s\" WHERE pk = ?" % self.hash_table)
        self.assertStatementError("ValidationException", message, "SELECT * FROM \"%s\" WHERE pk = ?" % self.hash_table,
                                  Parameters=[S("a"), S("b")])

    def test_update_sets_removes_and_computes(self):
        pk = unique("upd")
        self.ddb.put_item(TableName=self.hash_table, Item={
            "pk": S(pk), "n": N(1), "b": {"M": {}}, "gone": S("x"), "l": {"L": [N(1)]}, "s": {"SS": ["a", "b"]}})
        self.run_statement(
            "UPDATE \"%s\" SET a = 1, b.c = 'x', n = n + 10 SET l = list_append(l, [2, 'three']) "
            "SET s = set_add(s, <<'c'>>) REMOVE gone WHERE pk = '%s'" % (self.hash_table, pk))
        self.assertEqual(self.get(self.hash_table, {"pk": S(pk)}), {
            "pk": S(pk), "a": N(1), "b": {"M": {"c": S("x")}}, "n": N(11), "l": {"L": [N(1), N(2), S("three")]},
            "s": {"SS": ["a", "b", "c"]}})
        self.run_statement("UPDATE \"%s\" SET s = set_delete(s, <<'a', 'b'>>) WHERE pk = '%s'" % (self.hash_table, pk))
        self.assertEqual(self.get(self.hash_table, {"pk": S(pk)})["s"], {"SS": ["c"]})

    def test_update_of_a_missing_item_fails_its_condition(self):
        key = unique("nothere")
        self.assertStatementError("ConditionalCheckFailedException", "The conditional request failed",
                                  "UPDATE \"%s\" SET a = 1 WHERE pk = '%s'" % (self.hash_table, key))
        self.assertIsNone(self.get(self.hash_table, {"pk": S(key)}))

    def test_extra_conditions_of_update_and_delete(self):
        pk = unique("cond")
        self.ddb.put_item(TableName=self.hash_table, Item={"pk": S(pk), "n": N(5)})
        self.assertStatementError("ConditionalCheckFailedException", "The conditional request failed",
                                  "UPDATE \"%s\" SET touched = true WHERE pk = '%s' AND n = 6" % (self.hash_table, pk))
        self.run_statement("UPDATE \"%s\" SET touched = true WHERE pk = '%s' AND n = 5" % (self.hash_table, pk))
        self.assertEqual(self.get(self.hash_table, {"pk": S(pk)})["touched"], {"BOOL": True})
        if self.has_member("ExecuteStatement", "ReturnValuesOnConditionCheckFailure"):
            error = self.assertStatementError(
                "ConditionalCheckFailedException", None,
                "DELETE FROM \"%s\" WHERE pk = '%s' AND n > 5" % (self.hash_table, pk),
                ReturnValuesOnConditionCheckFailure="ALL_OLD")
            self.assertEqual(error["Item"], {"pk": S(pk), "n": N(5), "touched": {"BOOL": True}})
        self.run_statement("DELETE FROM \"%s\" WHERE pk = '%s' AND n = 5" % (self.hash_table, pk))
        self.assertIsNone(self.get(self.hash_table, {"pk": S(pk)}))
        # deleting an item that is not there succeeds
        self.assertEqual(self.run_statement("DELETE FROM \"%s\" WHERE pk = '%s'" % (self.hash_table, pk)), {"Items": []})

    def test_writes_must_name_the_whole_key(self):
        message = "Where clause does not contain a mandatory equality on all key attributes"
        self.assertStatementError("ValidationException", message,
                                  "UPDATE \"%s\" SET a = 1 WHERE pk = 'x'" % self.range_table)
        self.assertStatementError("ValidationException", message,
                                  "DELETE FROM \"%s\" WHERE pk = 'x' AND sk > 1" % self.range_table)
        self.assertStatementError("ValidationException", message, "UPDATE \"%s\" SET a = 1" % self.hash_table)

    def test_returning(self):
        pk = unique("ret")
        self.ddb.put_item(TableName=self.hash_table, Item={"pk": S(pk), "a": N(1), "b": S("keep")})
        old = self.run_statement("UPDATE \"%s\" SET a = 2 WHERE pk = '%s' RETURNING ALL OLD *" % (self.hash_table, pk))
        self.assertEqual(old["Items"], [{"pk": S(pk), "a": N(1), "b": S("keep")}])
        new = self.run_statement("UPDATE \"%s\" SET a = 3 WHERE pk = '%s' RETURNING MODIFIED NEW *" % (self.hash_table, pk))
        self.assertEqual(new["Items"], [{"a": N(3)}])
        gone = self.run_statement("DELETE FROM \"%s\" WHERE pk = '%s' RETURNING ALL OLD *" % (self.hash_table, pk))
        self.assertEqual(gone["Items"], [{"pk": S(pk), "a": N(3), "b": S("keep")}])
        self.assertStatementError(
            "ValidationException",
            "Invalid returning clause: RETURNING MODIFIED OLD *. Only RETURNING ALL OLD * is allowed in DELETE statements.",
            "DELETE FROM \"%s\" WHERE pk = 'x' RETURNING MODIFIED OLD *" % self.hash_table)

    def test_syntax_errors(self):
        table = self.hash_table
        for statement, detail in (
                ("SELECT * FROM \"%s\" WHERE pk = 1 foo" % table, "Unexpected token after expression"),
                ("SELECT * FROM \"%s\" WHERE" % table, "Unexpected term"),
                ("SELECT * FROM \"%s\" WHERE pk = 'p1' AND" % table, "Missing right-hand side expression of infix operator"),
                ("SELECT * FROM \"%s\" WHERE ORDER BY pk" % table, "Unexpected keyword"),
                ("SELECT * FROM \"%s\" WHERE IS NULL" % table, "Unexpected operator"),
                ("DELETE FROM", "Expected identifier for simple path"),
                ("SLECT * FROM \"%s\"" % table, "Expected data manipulation"),
                ("SELECT * FROM \"%s\" WHERE pk = 1 /* note" % table, ""),
                # a syntax error comes before looking for the table
                ("SELECT * FROM \"%s\" WHERE" % unique("never"), "Unexpected term")):
            self.assertStatementError("ValidationException", malformed(detail), statement)
        self.assertStatementError("ValidationException", "Aliasing is not supported",
                                  "SELECT * FROM \"%s\" t WHERE pk = 'x'" % table)
        self.assertStatementError(
            "ValidationException",
            "Number overflow. Attempting to store a number with magnitude larger than supported range under root.x",
            "INSERT INTO \"%s\" VALUE {'pk': 'a', 'm': {'x': 1e126}}" % table)
        self.assertStatementError(
            "ValidationException", "Incorrect operand type for operator or function; operator or function: <, operand type: BOOL",
            "SELECT pk FROM \"%s\" WHERE pk = 'x' AND val < ?" % table, Parameters=[{"BOOL": True}])

    def test_missing_table(self):
        self.assertStatementError("ResourceNotFoundException", "Requested resource not found",
                                  "SELECT * FROM \"%s\" WHERE pk = 'p'" % unique("never"))
        self.assertStatementError("ResourceNotFoundException", "Requested resource not found",
                                  "INSERT INTO \"%s\" VALUE {'pk': 'p'}" % unique("never"))

    def test_select_through_an_index(self):
        g = unique("g")
        for sk in (2, 1):
            self.ddb.put_item(TableName=self.range_table, Item={"pk": S(g + "-p"), "sk": N(sk), "g": S(g), "other": S("x")})
        rows = self.run_statement("SELECT * FROM \"%s\".\"by-g\" WHERE g = '%s'" % (self.range_table, g))["Items"]
        # the index holds only the keys
        self.assertEqual(sorted(rows, key=lambda r: r["sk"]["N"]),
                         [{"pk": S(g + "-p"), "sk": N(1), "g": S(g)}, {"pk": S(g + "-p"), "sk": N(2), "g": S(g)}])
        # paging through the index
        statement = "SELECT sk FROM \"%s\".\"by-g\" WHERE g = ?" % self.range_table
        first = self.run_statement(statement, Parameters=[S(g)], Limit=1)
        second = self.run_statement(statement, Parameters=[S(g)], Limit=1, NextToken=first["NextToken"])
        self.assertEqual(sorted([first["Items"][0]["sk"]["N"], second["Items"][0]["sk"]["N"]]), ["1", "2"])
        self.assertStatementError("ValidationException", "Strongly consistent read is not supported on Global Secondary Indexes",
                                  "SELECT * FROM \"%s\".\"by-g\" WHERE g = '%s'" % (self.range_table, g), ConsistentRead=True)
        self.assertStatementError("ValidationException", "The table does not have the specified index",
                                  "SELECT * FROM \"%s\".\"no-such-index\" WHERE pk = 'p'" % self.range_table)
        self.assertStatementError(
            "ValidationException",
            "One or more parameter values were invalid: Global secondary index by-g does not project [other]",
            "SELECT other FROM \"%s\".\"by-g\" WHERE g = '%s'" % (self.range_table, g))

    def test_consumed_capacity(self):
        pk = unique("cap")
        out = self.run_statement("INSERT INTO \"%s\" VALUE {'pk': '%s'}" % (self.hash_table, pk), ReturnConsumedCapacity="TOTAL")
        self.assertEqual(out["ConsumedCapacity"], {"TableName": self.hash_table, "CapacityUnits": 1.0})
        out = self.run_statement("SELECT * FROM \"%s\" WHERE pk = '%s'" % (self.hash_table, pk), ReturnConsumedCapacity="TOTAL")
        self.assertEqual(out["ConsumedCapacity"], {"TableName": self.hash_table, "CapacityUnits": 0.5})

    def test_exists_only_in_transactions(self):
        self.assertStatementError("ValidationException", "EXISTS can only be used in ExecuteTransaction write requests.",
                                  "EXISTS(SELECT * FROM \"%s\" WHERE pk = 'a' AND n = 1)" % self.hash_table)


class BatchExecuteStatementTest(PartiqlTestCase):

    def batch(self, *statements, **kwargs):
        requests = [s if isinstance(s, dict) else {"Statement": s} for s in statements]
        return self.ddb.batch_execute_statement(Statements=requests, **kwargs)

    def test_reads_answer_in_order_with_errors_in_place(self):
        a, b = unique("ba"), unique("bb")
        for pk in (a, b):
            self.ddb.put_item(TableName=self.range_table, Item={"pk": S(pk), "sk": N(1), "v": S(pk)})
        t = self.range_table
        out = self.batch("SELECT * FROM \"%s\" WHERE pk = '%s' AND sk = 1" % (t, b),
                         "SLECT * FROM \"%s\"" % t,
                         {"Statement": "SELECT v FROM \"%s\" WHERE pk = ? AND sk = ?" % t, "Parameters": [S(a), N(1)]},
                         "SELECT * FROM \"%s\" WHERE pk = '%s' AND sk = 1" % (t, unique("none")),
                         "SELECT * FROM \"%s\" WHERE pk = 'x' AND sk = 1" % unique("never"),
                         ReturnConsumedCapacity="TOTAL")
        responses = out["Responses"]
        self.assertEqual(len(responses), 5)
        self.assertEqual(responses[0]["Item"], {"pk": S(b), "sk": N(1), "v": S(b)})
        self.assertEqual(responses[0]["TableName"], t)
        self.assertEqual(responses[3]["TableName"], t)
        self.assertEqual(responses[1]["Error"], {"Code": "ValidationError",
                                                 "Message": malformed("Expected data manipulation")})
        self.assertEqual(responses[2]["Item"], {"v": S(a)})
        self.assertNotIn("Item", responses[3])
        self.assertNotIn("Error", responses[3])
        self.assertEqual(responses[4]["Error"]["Code"], "ResourceNotFound")
        self.assertEqual(out["ConsumedCapacity"], [{"TableName": t, "CapacityUnits": 1.5}])

    def test_writes_stand_alone(self):
        existing, counter, new, gone = (unique("bw") for _ in range(4))
        self.ddb.put_item(TableName=self.hash_table, Item={"pk": S(existing), "v": S("kept")})
        self.ddb.put_item(TableName=self.hash_table, Item={"pk": S(counter), "v": N(1)})
        self.ddb.put_item(TableName=self.hash_table, Item={"pk": S(gone)})
        t = self.hash_table
        out = self.batch("INSERT INTO \"%s\" VALUE {'pk': '%s'}" % (t, new),
                         "INSERT INTO \"%s\" VALUE {'pk': '%s'}" % (t, existing),
                         "UPDATE \"%s\" SET v = v + 1 WHERE pk = '%s'" % (t, counter),
                         "DELETE FROM \"%s\" WHERE pk = '%s'" % (t, gone),
                         "UPDATE \"%s\" SET v = 1 WHERE pk = '%s'" % (t, unique("missing")))
        responses = out["Responses"]
        self.assertEqual(responses[0], {"TableName": t})
        self.assertEqual(responses[1]["Error"], {"Code": "DuplicateItem", "Message": "Duplicate primary key exists in table"})
        self.assertEqual(responses[2], {"TableName": t})
        self.assertEqual(responses[3], {"TableName": t})
        self.assertEqual(responses[4]["Error"]["Code"], "ConditionalCheckFailed")
        self.assertEqual(self.get(t, {"pk": S(new)}), {"pk": S(new)})
        self.assertEqual(self.get(t, {"pk": S(existing)})["v"], S("kept"))
        self.assertEqual(self.get(t, {"pk": S(counter)})["v"], N(2))
        self.assertIsNone(self.get(t, {"pk": S(gone)}))

    def test_an_item_named_twice_fails_the_batch(self):
        pk = unique("twice")
        self.assertError("ValidationException", None, self.batch,
                         "INSERT INTO \"%s\" VALUE {'pk': '%s'}" % (self.hash_table, pk),
                         "UPDATE \"%s\" SET v = 1 WHERE pk = '%s'" % (self.hash_table, pk))
        self.assertIsNone(self.get(self.hash_table, {"pk": S(pk)}))
        self.assertError("ValidationException", None, self.batch,
                         "SELECT * FROM \"%s\" WHERE pk = '%s'" % (self.hash_table, pk),
                         "SELECT a FROM \"%s\" WHERE pk = '%s'" % (self.hash_table, pk))

    def test_reads_and_writes_do_not_mix(self):
        pk = unique("mix")
        self.assertError("ValidationException", None, self.batch,
                         "SELECT * FROM \"%s\" WHERE pk = 'a'" % self.hash_table,
                         "INSERT INTO \"%s\" VALUE {'pk': '%s'}" % (self.hash_table, pk))
        self.assertIsNone(self.get(self.hash_table, {"pk": S(pk)}))

    def test_at_most_25_statements(self):
        statements = [{"Statement": "INSERT INTO \"%s\" VALUE {'pk': '%s'}" % (self.hash_table, unique("lim"))}
                      for _ in range(26)]
        self.assertError("ValidationException", None, self.unchecked.batch_execute_statement, Statements=statements)
        out = self.unchecked.batch_execute_statement(Statements=statements[:25])
        self.assertEqual(len(out["Responses"]), 25)
        self.assertTrue(all("Error" not in r for r in out["Responses"]))


class ExecuteTransactionTest(PartiqlTestCase):

    def transact(self, *statements, **kwargs):
        requests = [s if isinstance(s, dict) else {"Statement": s} for s in statements]
        return self.ddb.execute_transaction(TransactStatements=requests, **kwargs)

    def test_writes_apply_together(self):
        t = self.range_table
        new, existing, gone, checked = (unique("tx") for _ in range(4))
        for pk in (existing, gone):
            self.ddb.put_item(TableName=t, Item={"pk": S(pk), "sk": N(1), "n": N(1)})
        self.ddb.put_item(TableName=t, Item={"pk": S(checked), "sk": N(1), "status": S("open")})
        out = self.transact("INSERT INTO \"%s\" VALUE {'pk': '%s', 'sk': 1}" % (t, new),
                            "UPDATE \"%s\" SET n = n + 1 WHERE pk = '%s' AND sk = 1" % (t, existing),
                            "DELETE FROM \"%s\" WHERE pk = '%s' AND sk = 1" % (t, gone),
                            "EXISTS(SELECT * FROM \"%s\" WHERE pk = '%s' AND sk = 1 AND status = 'open')" % (t, checked),
                            ReturnConsumedCapacity="TOTAL")
        self.assertEqual(out["Responses"], [])
        self.assertEqual(out["ConsumedCapacity"], [{"TableName": t, "CapacityUnits": 8.0}])
        self.assertIsNotNone(self.get(t, {"pk": S(new), "sk": N(1)}))
        self.assertEqual(self.get(t, {"pk": S(existing), "sk": N(1)})["n"], N(2))
        self.assertIsNone(self.get(t, {"pk": S(gone), "sk": N(1)}))

    def test_a_failed_statement_cancels_them_all(self):
        t = self.hash_table
        new, closed = unique("txc"), unique("txc")
        self.ddb.put_item(TableName=t, Item={"pk": S(closed), "status": S("closed")})
        error = self.assertError(
            "TransactionCanceledException",
            "Transaction cancelled, please refer cancellation reasons for specific reasons "
            "[None, ConditionalCheckFailed, ConditionalCheckFailed]",
            self.transact,
            "INSERT INTO \"%s\" VALUE {'pk': '%s'}" % (t, new),
            "UPDATE \"%s\" SET a = 1 WHERE pk = '%s'" % (t, unique("missing")),
            "EXISTS(SELECT * FROM \"%s\" WHERE pk = '%s' AND status = 'open')" % (t, closed))
        self.assertEqual([r["Code"] for r in error["CancellationReasons"]], ["None", "ConditionalCheckFailed", "ConditionalCheckFailed"])
        self.assertIsNone(self.get(t, {"pk": S(new)}))

    def test_an_insert_of_an_existing_key_cancels(self):
        t = self.hash_table
        existing, new = unique("txd"), unique("txd")
        self.ddb.put_item(TableName=t, Item={"pk": S(existing), "v": S("kept")})
        self.assertError("TransactionCanceledException", None, self.transact,
                         "INSERT INTO \"%s\" VALUE {'pk': '%s'}" % (t, existing),
                         "INSERT INTO \"%s\" VALUE {'pk': '%s'}" % (t, new))
        self.assertIsNone(self.get(t, {"pk": S(new)}))
        self.assertEqual(self.get(t, {"pk": S(existing)})["v"], S("kept"))

    def test_reads(self):
        t = self.range_table
        pk = unique("txr")
        self.ddb.put_item(TableName=t, Item={"pk": S(pk), "sk": N(1), "v": S("x"), "w": S("y")})
        out = self.transact("SELECT v FROM \"%s\" WHERE pk = '%s' AND sk = 1" % (t, pk),
                            {"Statement": "SELECT * FROM \"%s\" WHERE pk = ? AND sk = ?" % t, "Parameters": [S(pk), N(2)]},
                            ReturnConsumedCapacity="TOTAL")
        self.assertEqual(out["Responses"], [{"Item": {"v": S("x")}}, {}])
        self.assertEqual(out["ConsumedCapacity"], [{"TableName": t, "CapacityUnits": 4.0}])

    def test_refusals_name_the_statement(self):
        t = self.range_table
        self.assertError("ValidationException",
                         "ExecuteTransaction API does not support both read and write operations in the same request.",
                         self.transact, "SELECT * FROM \"%s\" WHERE pk = 'a' AND sk = 1" % t,
                         "UPDATE \"%s\" SET x = 1 WHERE pk = 'a' AND sk = 1" % t)
        self.assertError("ValidationException",
                         "Validation failed in TransactStatements[0]: RETURNING clause is not supported in ExecuteTransaction.",
                         self.transact, "UPDATE \"%s\" SET x = 1 WHERE pk = 'a' AND sk = 1 RETURNING ALL NEW *" % t)
        self.assertError("ValidationException",
                         "Validation failed in TransactStatements[0]: Reads on indices are not supported within transactions.",
                         self.transact, "SELECT * FROM \"%s\".\"by-g\" WHERE g = 'x'" % t)
        self.assertError("ValidationException",
                         "Validation failed in TransactStatements[1]: " + malformed("Unexpected term"),
                         self.transact, "SELECT * FROM \"%s\" WHERE pk = 'a' AND sk = 1" % t, "SELECT * FROM \"%s\" WHERE" % t)
        self.assertError("ResourceNotFoundException", "Requested resource not found",
                         self.transact, "INSERT INTO \"%s\" VALUE {'pk': 'a'}" % unique("never"))
        # two writes to one item
        self.assertError("ValidationException", None, self.transact,
                         "UPDATE \"%s\" SET x = 1 WHERE pk = 'a' AND sk = 1" % t,
                         "DELETE FROM \"%s\" WHERE pk = 'a' AND sk = 1" % t)

    def test_at_most_100_statements(self):
        statements = [{"Statement": "INSERT INTO \"%s\" VALUE {'pk': '%s'}" % (self.hash_table, unique("lim"))}
                      for _ in range(101)]
        self.assertError("ValidationException", None, self.unchecked.execute_transaction, TransactStatements=statements)
        self.unchecked.execute_transaction(TransactStatements=statements[:100])
        self.assertIsNotNone(self.get(self.hash_table, {"pk": S(statements[99]["Statement"].split("'")[3])}))

    def test_client_request_token_applies_once(self):
        pk = unique("tok")
        self.ddb.put_item(TableName=self.hash_table, Item={"pk": S(pk), "n": N(0)})
        token = uuid.uuid4().hex
        statements = ["UPDATE \"%s\" SET n = n + 1 WHERE pk = '%s'" % (self.hash_table, pk)]
        self.transact(*statements, ClientRequestToken=token)
        self.transact(*statements, ClientRequestToken=token)
        self.assertEqual(self.get(self.hash_table, {"pk": S(pk)})["n"], N(1))
        self.assertError("IdempotentParameterMismatchException", None, self.transact,
                         "UPDATE \"%s\" SET n = n + 2 WHERE pk = '%s'" % (self.hash_table, pk), ClientRequestToken=token)


@unittest.skipUnless(harness.aws_cli_installed(), "AWS CLI not installed")
class PartiqlCliTest(harness.AwsCliMixin, PartiqlTestCase):
    cli_service = "dynamodb"

    def test_cli_execute_statement(self):
        pk = unique("cli")
        self.aws("execute-statement", "--statement",
                 "INSERT INTO \"%s\" VALUE {'pk': '%s', 'n': 42, 'tags': <<'a'>>}" % (self.hash_table, pk))
        out = self.aws("execute-statement", "--statement", "SELECT * FROM \"%s\" WHERE pk = ?" % self.hash_table,
                       "--parameters", json.dumps([S(pk)]))
        self.assertEqual(out["Items"], [{"pk": S(pk), "n": N(42), "tags": {"SS": ["a"]}}])
        proc = self.aws("execute-statement", "--statement", "INSERT INTO \"%s\" VALUE {'pk': '%s'}" % (self.hash_table, pk),
                        check=False)
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("DuplicateItemException", proc.stderr)
        self.assertIn("Duplicate primary key exists in table", proc.stderr)


if __name__ == "__main__":
    unittest.main()
