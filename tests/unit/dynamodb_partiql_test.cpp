// The PartiQL parser: statements become the right trees (conditions, update actions,
// items), literals are exact, parameters bind in order, and what DynamoDB refuses is
// refused with its messages.
#include <gtest/gtest.h>

#include "protocol/api_error.hpp"
#include "protocol/json.hpp"
#include "services/dynamodb/partiql_parser.hpp"

namespace stratus::dynamodb::partiql {
namespace {

std::string wire(const AttributeValue& v) { return json::write(v.to_value()); }
std::string wire(const Item& item) { return json::write(AttributeValue::item_value(item)); }

std::string describe(const Path& path) {
  std::string out;
  for (const auto& step : path) out += step.is_index ? "[" + std::to_string(step.index) + "]" : (out.empty() ? "" : ".") + step.name;
  return out;
}

std::string describe(const Operand& o) {
  switch (o.kind) {
    case Operand::Kind::Path: return describe(o.path);
    case Operand::Kind::Value: return wire(o.value);
    case Operand::Kind::Size: return "size(" + describe(o.args[0]) + ")";
    case Operand::Kind::IfNotExists: return "if_not_exists(" + describe(o.args[0]) + ", " + describe(o.args[1]) + ")";
    case Operand::Kind::ListAppend: return "list_append(" + describe(o.args[0]) + ", " + describe(o.args[1]) + ")";
    case Operand::Kind::Plus: return describe(o.args[0]) + " + " + describe(o.args[1]);
    case Operand::Kind::Minus: return describe(o.args[0]) + " - " + describe(o.args[1]);
  }
  return "?";
}

// A condition as a prefix expression: (and (= pk {"S":"a"}) (exists x)).
std::string describe(const Condition& c) {
  static const char* const kNames[] = {"", "between", "in", "and", "or", "not", "exists", "not_exists", "type", "begins_with", "contains"};
  std::string out = "(" + (c.kind == Condition::Kind::Compare ? c.op : std::string(kNames[static_cast<int>(c.kind)]));
  for (const auto& o : c.operands) out += " " + describe(o);
  for (const auto& child : c.children) out += " " + describe(child);
  return out + ")";
}

std::string describe(const UpdateAction& a) {
  static const char* const kNames[] = {"SET", "REMOVE", "ADD", "DELETE"};
  std::string out = std::string(kNames[static_cast<int>(a.kind)]) + " " + describe(a.path);
  return a.kind == UpdateAction::Kind::Remove ? out : out + " " + describe(a.value);
}

Statement parse(std::string_view text, std::vector<AttributeValue> parameters = {}) {
  return partiql::parse(text, parameters);
}

std::string where_of(std::string_view text, std::vector<AttributeValue> parameters = {}) {
  return describe(*parse(text, std::move(parameters)).where);
}

std::string error_of(std::string_view text, std::vector<AttributeValue> parameters = {}) {
  try {
    parse(text, std::move(parameters));
  } catch (const ApiError& e) {
    EXPECT_EQ(e.code, "ValidationException") << text;
    return e.what();
  }
  return "no error";
}

std::string malformed(const std::string& detail) { return "Statement wasn't well formed, can't be processed: " + detail; }

TEST(partiql, SelectsWithKeyConditionAndFilter) {
  Statement s = parse(R"(SELECT * FROM "Music" WHERE Artist = 'Acme Band' AND year > 2000)");
  EXPECT_EQ(s.kind, Statement::Kind::Select);
  EXPECT_EQ(s.table, "Music");
  EXPECT_FALSE(s.index);
  EXPECT_TRUE(s.projection.empty());
  EXPECT_EQ(describe(*s.where), R"((and (= Artist {"S":"Acme Band"}) (> year {"N":"2000"})))");
}

TEST(partiql, SelectsPathsFromAnIndex) {
  Statement s = parse(R"(select a, b.c, d[0], "e"."f", g['h'] from "my-table"."by-date")");
  EXPECT_EQ(s.table, "my-table");
  EXPECT_EQ(s.index, "by-date");
  std::vector<std::string> paths;
  for (const auto& p : s.projection) paths.push_back(describe(p));
  EXPECT_EQ(paths, (std::vector<std::string>{"a", "b.c", "d[0]", "e.f", "g.h"}));
  EXPECT_FALSE(s.where);
}

TEST(partiql, KeywordsIgnoreCaseAndNamesKeepIt) {
  Statement s = parse(R"(sElEcT "Key", Value2 FrOm Tbl wHeRe "Key" = 'x')");
  EXPECT_EQ(s.table, "Tbl");
  EXPECT_EQ(describe(s.projection[0]), "Key");
  EXPECT_EQ(describe(s.projection[1]), "Value2");
}

TEST(partiql, QuotesDoubleToEscape) {
  Statement s = parse(R"(SELECT * FROM "a""b" WHERE "c""d" = 'it''s')");
  EXPECT_EQ(s.table, "a\"b");
  EXPECT_EQ(describe(*s.where), R"((= c"d {"S":"it's"}))");
}

TEST(partiql, CommentsAndATrailingSemicolonAreAllowed) {
  Statement s = parse("-- the table\nSELECT * /* everything */ FROM tbl WHERE pk = 1;");
  EXPECT_EQ(describe(*s.where), R"((= pk {"N":"1"}))");
}

TEST(partiql, InsertsAnItemOfEveryLiteralType) {
  Statement s = parse(
      "INSERT INTO tbl VALUE {'pk': 'a', 'n': 1.50, 'neg': -0.25, 'e': 1e3, 'small': .5, 't': TRUE, 'f': false, "
      "'nul': NULL, 'l': [1, 'x', [2]], 'm': {'k': {'deep': 'yes'}}, 'ss': <<'b', 'a'>>, 'ns': <<1, 2.5>>}");
  EXPECT_EQ(s.kind, Statement::Kind::Insert);
  EXPECT_EQ(s.table, "tbl");
  EXPECT_EQ(wire(s.item),
            R"({"e":{"N":"1000"},"f":{"BOOL":false},"l":{"L":[{"N":"1"},{"S":"x"},{"L":[{"N":"2"}]}]},)"
            R"("m":{"M":{"k":{"M":{"deep":{"S":"yes"}}}}},"n":{"N":"1.5"},"neg":{"N":"-0.25"},"ns":{"NS":["1","2.5"]},)"
            R"("nul":{"NULL":true},"pk":{"S":"a"},"small":{"N":"0.5"},"ss":{"SS":["b","a"]},"t":{"BOOL":true}})");
}

TEST(partiql, NumbersAreExactDecimals) {
  Statement s = parse("INSERT INTO tbl VALUE {'a': 12345678901234567890123456789012345678, 'b': 0.1000000000000000000000000000000000001}");
  EXPECT_EQ(wire(s.item.at("a")), R"({"N":"12345678901234567890123456789012345678"})");
  EXPECT_EQ(wire(s.item.at("b")), R"({"N":"0.1000000000000000000000000000000000001"})");
}

TEST(partiql, BadNumbersNameWhereTheyAre) {
  const std::string overflow = "Number overflow. Attempting to store a number with magnitude larger than supported range";
  EXPECT_EQ(error_of("SELECT * FROM tbl WHERE pk = 1e126"), overflow + " under root");
  EXPECT_EQ(error_of("INSERT INTO tbl VALUE {'pk': 1, 'm': {'x': 1e126}}"), overflow + " under root.x");
  EXPECT_EQ(error_of("INSERT INTO tbl VALUE {'pk': 1, 'l': [1, 1e126]}"), overflow + " under root[1]");
  EXPECT_EQ(error_of("UPDATE tbl SET a = 1e-131 WHERE pk = 1"),
            "Number underflow. Attempting to store a number with magnitude smaller than supported range under root");
  EXPECT_EQ(error_of("SELECT * FROM tbl WHERE pk = 123456789012345678901234567890123456789"),
            "Attempting to store more than 38 significant digits in a Number under root");
  // Exponents and scales beyond 32 bits are not read at all.
  EXPECT_EQ(error_of("SELECT * FROM tbl WHERE pk = 1e2147483648"), malformed(""));
  EXPECT_EQ(error_of("SELECT * FROM tbl WHERE pk = 1.5e-2147483647"), malformed(""));
}

TEST(partiql, ParametersBindInOrder) {
  Statement s = parse("SELECT * FROM tbl WHERE pk = ? AND sk BETWEEN ? AND ?",
                      {AttributeValue::string("p"), AttributeValue::number(Number::parse("1")), AttributeValue::number(Number::parse("9"))});
  EXPECT_EQ(describe(*s.where), R"((and (= pk {"S":"p"}) (between sk {"N":"1"} {"N":"9"})))");
  Statement insert = parse("INSERT INTO tbl VALUE {'pk': ?, 'l': [?]}", {AttributeValue::string("k"), AttributeValue::boolean(true)});
  EXPECT_EQ(wire(insert.item), R"({"l":{"L":[{"BOOL":true}]},"pk":{"S":"k"}})");
}

TEST(partiql, ParameterCountsMustMatch) {
  const char* message = "Number of parameters in request and statement don't match.";
  EXPECT_EQ(error_of("SELECT * FROM tbl WHERE pk = ?"), message);
  EXPECT_EQ(error_of("SELECT * FROM tbl WHERE pk = ?", {AttributeValue::string("a"), AttributeValue::string("b")}), message);
}

TEST(partiql, ConditionPrecedence) {
  EXPECT_EQ(where_of("SELECT * FROM tbl WHERE a = 1 OR b = 2 AND NOT c = 3"),
            R"((or (= a {"N":"1"}) (and (= b {"N":"2"}) (not (= c {"N":"3"})))))");
  EXPECT_EQ(where_of("SELECT * FROM tbl WHERE (a = 1 OR b = 2) AND c <> 3 AND d != 4"),
            R"((and (and (or (= a {"N":"1"}) (= b {"N":"2"})) (<> c {"N":"3"})) (<> d {"N":"4"})))");
}

TEST(partiql, ComparisonsAndRanges) {
  EXPECT_EQ(where_of("SELECT * FROM tbl WHERE a < 1 AND b <= 'x' AND 3 > c AND d >= 4"),
            R"((and (and (and (< a {"N":"1"}) (<= b {"S":"x"})) (> {"N":"3"} c)) (>= d {"N":"4"})))");
  EXPECT_EQ(where_of("SELECT * FROM tbl WHERE a BETWEEN 1 AND 5 AND b NOT BETWEEN 'a' AND 'c'"),
            R"((and (between a {"N":"1"} {"N":"5"}) (not (between b {"S":"a"} {"S":"c"}))))");
  EXPECT_EQ(where_of("SELECT * FROM tbl WHERE a IN [1, 2] OR b IN ('x') OR c NOT IN <<3>>"),
            R"((or (or (in a {"N":"1"} {"N":"2"}) (in b {"S":"x"})) (not (in c {"N":"3"}))))");
}

TEST(partiql, FunctionsAndTypeTests) {
  EXPECT_EQ(where_of("SELECT * FROM tbl WHERE begins_with(sk, 'a#') AND CONTAINS(tags, 'x') AND attribute_type(n, 'N')"),
            R"((and (and (begins_with sk {"S":"a#"}) (contains tags {"S":"x"})) (type n {"S":"N"})))");
  EXPECT_EQ(where_of("SELECT * FROM tbl WHERE size(l) > 2 AND attribute_exists(a) AND attribute_not_exists(b.c)"),
            R"((and (and (> size(l) {"N":"2"}) (exists a)) (not_exists b.c)))");
  EXPECT_EQ(where_of("SELECT * FROM tbl WHERE a IS MISSING AND b IS NOT MISSING"), "(and (not_exists a) (exists b))");
  EXPECT_EQ(where_of("SELECT * FROM tbl WHERE a IS NULL AND b IS NOT STRING AND c IS BOOLEAN AND d IS TUPLE"),
            R"((and (and (and (= a {"NULL":true}) (not (type b {"S":"S"}))) (type c {"S":"BOOL"})) (type d {"S":"M"})))");
}

TEST(partiql, UpdatesBecomeActions) {
  Statement s = parse(
      "UPDATE tbl SET a = 1, b.c = 'x', n = n + 1 SET l = list_append(l, [1]), s = set_add(s, <<'x'>>), "
      "t = set_delete(t, <<2>>), u = if_not_exists(u, 0) - 2 REMOVE d, e[2] WHERE pk = 'a' AND sk = 1 RETURNING ALL NEW *");
  EXPECT_EQ(s.kind, Statement::Kind::Update);
  std::vector<std::string> actions;
  for (const auto& a : s.update) actions.push_back(describe(a));
  EXPECT_EQ(actions, (std::vector<std::string>{R"(SET a {"N":"1"})", R"(SET b.c {"S":"x"})", R"(SET n n + {"N":"1"})",
                                                R"(SET l list_append(l, {"L":[{"N":"1"}]}))", R"(ADD s {"SS":["x"]})",
                                                R"(DELETE t {"NS":["2"]})", R"(SET u if_not_exists(u, {"N":"0"}) - {"N":"2"})",
                                                "REMOVE d", "REMOVE e[2]"}));
  EXPECT_EQ(describe(*s.where), R"((and (= pk {"S":"a"}) (= sk {"N":"1"})))");
  EXPECT_EQ(s.returning, "ALL NEW");
}

TEST(partiql, UpdatesMayNameTheTableFirst) {
  Statement s = parse("FROM tbl WHERE pk = 'a' SET x = 1");
  EXPECT_EQ(s.kind, Statement::Kind::Update);
  EXPECT_EQ(describe(s.update[0]), R"(SET x {"N":"1"})");
  EXPECT_EQ(describe(*s.where), R"((= pk {"S":"a"}))");
}

TEST(partiql, DeletesAndExists) {
  Statement d = parse("DELETE FROM tbl WHERE pk = 'a' AND attribute_exists(x) RETURNING ALL OLD *");
  EXPECT_EQ(d.kind, Statement::Kind::Delete);
  EXPECT_EQ(describe(*d.where), R"((and (= pk {"S":"a"}) (exists x)))");
  EXPECT_EQ(d.returning, "ALL OLD");
  Statement e = parse("EXISTS(SELECT * FROM tbl WHERE pk = 'a' AND n > 1)");
  EXPECT_EQ(e.kind, Statement::Kind::Exists);
  EXPECT_EQ(e.table, "tbl");
  EXPECT_EQ(describe(*e.where), R"((and (= pk {"S":"a"}) (> n {"N":"1"})))");
}

TEST(partiql, OrderBy) {
  Statement s = parse("SELECT * FROM tbl WHERE pk IN ['a', 'b'] ORDER BY pk DESC, sk");
  EXPECT_EQ(s.order_by, (std::vector<OrderBy>{{"pk", true}, {"sk", false}}));
}

// Texts DynamoDB gives for these statements (pinned against DynamoDB in public test suites).
TEST(partiql, SyntaxErrorsGiveDynamoDbsDetails) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"SELECT * FROM tbl WHERE pk = 1 foo", "Unexpected token after expression"},
      {"SELECT * FROM tbl WHERE pk = 1 e5", "Unexpected token after expression"},
      {"SELECT * FROM tbl WHERE pk = 1)", "Unexpected token after expression"},
      {"DELETE FROM tbl WHERE pk = 1 ORDER BY pk", "Unexpected token after expression"},
      {"SELECT * FROM tbl ORDER BY pk WHERE pk = 1", "Unexpected token after expression"},
      {"INSERT INTO tbl t VALUE {'pk': 'x'}", "Unexpected token after expression"},
      {"SELECT * FROM tbl WHERE", "Unexpected term"},
      {"SELECT * FROM tbl WHERE;", "Unexpected term"},
      {"SELECT * FROM tbl WHERE NOT", "Unexpected term"},
      {"SELECT * FROM tbl WHERE (", "Unexpected term"},
      {"UPDATE tbl SET a = 1 WHERE", "Unexpected term"},
      {"SELECT * FROM", "Unexpected term"},
      {"SELECT * FROM tbl WHERE pk = 'p1' AND", "Missing right-hand side expression of infix operator"},
      {"SELECT * FROM tbl WHERE pk = 'p1' OR", "Missing right-hand side expression of infix operator"},
      {"SELECT * FROM tbl WHERE ORDER BY pk", "Unexpected keyword"},
      {"SELECT * FROM tbl WHERE pad = 'none'", "Unexpected keyword"},
      {"SELECT * FROM tbl WHERE pk = 'a' AND x IS FOO", "Expected type name"},
      {"SELECT * FROM tbl WHERE IS NULL", "Unexpected operator"},
      {"SELECT * FROM tbl WHERE pk = LIKE", "Unexpected operator"},
      {"DELETE FROM", "Expected identifier for simple path"},
      {"DELETE FROM;", "Expected identifier for simple path"},
      {"DELETE FROM WHERE pk = 'a'", "Expected identifier for simple path"},
      {"SLECT * FROM tbl", "Expected data manipulation"},
      {"SELECT * FROM tbl WHERE pk = 1 # note", ""},
      {"SELECT * FROM tbl WHERE pk = 1 /* note", ""},
      {"SELECT * FROM \"tbl", ""},
      {"SELECT * FROM tbl WHERE pk = 'open", ""},
  };
  for (const auto& [statement, detail] : cases) EXPECT_EQ(error_of(statement), malformed(detail)) << statement;
}

TEST(partiql, ReservedWordsCanBeQuoted) {
  EXPECT_EQ(where_of(R"(SELECT * FROM tbl WHERE "pad" = 'none' AND "value" = 1)"),
            R"((and (= pad {"S":"none"}) (= value {"N":"1"})))");
}

TEST(partiql, UnsupportedFeaturesAreRefused) {
  EXPECT_EQ(error_of("SELECT * FROM tbl t WHERE pk = 'x'"), "Aliasing is not supported");
  EXPECT_EQ(error_of("SELECT * FROM tbl AS t WHERE pk = 'x'"), "Aliasing is not supported");
  EXPECT_EQ(error_of("UPDATE tbl t SET a = 3 WHERE pk = 'x'"), "Aliasing is not supported");
  EXPECT_EQ(error_of("DELETE FROM tbl t WHERE pk = 'x'"), "Aliasing is not supported");
  EXPECT_EQ(error_of("SELECT * FROM a.b.c WHERE pk = 'p'"), "A path may contain at most 2 components in the FROM clause");
  EXPECT_EQ(error_of(R"(SELECT * FROM "tbl"."" WHERE pk = 'p')"), "Path component cannot be an empty string");
  EXPECT_EQ(error_of("SELECT * FROM tbl GROUP BY a"), "Unsupported clause: GROUP BY");
  EXPECT_EQ(error_of("SELECT * FROM tbl WHERE pk = 1 LIMIT 5"), "Unsupported clause: LIMIT");
  EXPECT_EQ(error_of("SELECT DISTINCT a FROM tbl"), "Unsupported token in expression: DISTINCT");
  EXPECT_EQ(error_of("SELECT *, a FROM tbl"), "Other attributes should not be present in the projection when '*' is used.");
  EXPECT_EQ(error_of("INSERT INTO tbl VALUES ('a')"),
            "Unsupported operation: Inserting multiple items in a single statement is not supported, use \"INSERT INTO "
            "tableName VALUE item\" instead");
  EXPECT_EQ(error_of("INSERT INTO tbl VALUE {'pk': 'a'} RETURNING ALL OLD *"), "RETURNING is not supported in INSERT");
  EXPECT_EQ(error_of("DELETE FROM tbl WHERE pk = 'x' RETURNING MODIFIED OLD *"),
            "Invalid returning clause: RETURNING MODIFIED OLD *. Only RETURNING ALL OLD * is allowed in DELETE statements.");
  EXPECT_EQ(error_of("SELECT * FROM tbl WHERE a LIKE 'x%'"), "Unsupported operator in Condition Expression. Operator: like");
  EXPECT_EQ(error_of("SELECT * FROM tbl WHERE a + 1 = 2"), "Unsupported operator in Condition Expression. Operator: +");
  EXPECT_EQ(error_of("SELECT * FROM tbl WHERE frobnicate(a)"), "Unrecognized function: frobnicate");
  EXPECT_EQ(error_of("SELECT * FROM tbl WHERE a IS DOUBLE PRECISION"),
            "Unsupported data type for IS operator: DOUBLE_PRECISION. Supported data types are [MISSING, NULL, BOOLEAN, BLOB, "
            "STRING, NUMERIC, STRUCT, TUPLE, LIST]");
  EXPECT_EQ(error_of("SELECT * FROM tbl WHERE a IS INT"),
            "Unsupported data type for IS operator: INTEGER. Supported data types are [MISSING, NULL, BOOLEAN, BLOB, STRING, "
            "NUMERIC, STRUCT, TUPLE, LIST]");
}

TEST(partiql, ConditionsMustBeConditions) {
  EXPECT_EQ(error_of("SELECT * FROM tbl WHERE a"), "WHERE clause must contain an expression that resolves to a boolean");
  EXPECT_EQ(error_of("SELECT * FROM tbl WHERE a = 1 AND b"), "The arguments to AND/OR must be Expressions");
  EXPECT_EQ(error_of("SELECT * FROM tbl WHERE NOT b"), "The argument to NOT must be a Type or Expression");
  EXPECT_EQ(error_of("SELECT * FROM tbl WHERE a = MISSING"), "MISSING must be compared using IS operator");
  const char* in = "IN operator must have a left hand argument of type Variable Reference and right hand argument of type Seq "
                   "with at least one member";
  EXPECT_EQ(error_of("SELECT * FROM tbl WHERE a IN []"), in);
  EXPECT_EQ(error_of("SELECT * FROM tbl WHERE a IN 'x'"), in);
}

TEST(partiql, OrderedOperatorsNeedOrderedOperands) {
  EXPECT_EQ(error_of("SELECT pk FROM tbl WHERE pk = 'x' AND val < ?", {AttributeValue::boolean(true)}),
            "Incorrect operand type for operator or function; operator or function: <, operand type: BOOL");
  EXPECT_EQ(error_of("SELECT * FROM tbl WHERE val BETWEEN ? AND ?", {AttributeValue::null(), AttributeValue::null()}),
            "Incorrect operand type for operator or function; operator or function: BETWEEN, operand type: NULL");
  EXPECT_EQ(error_of("SELECT * FROM tbl WHERE begins_with(a, 1)"),
            "Incorrect operand type for operator or function; operator or function: begins_with, operand type: N");
  EXPECT_EQ(error_of("SELECT * FROM tbl WHERE begins_with(a)"),
            "Incorrect number of operands for operator or function; operator or function: begins_with, number of operands: 1");
  EXPECT_EQ(error_of("UPDATE tbl SET a = a + 'x' WHERE pk = 1"),
            "Incorrect operand type for operator or function; operator or function: +, operand type: S");
}

TEST(partiql, SetLiteralsAndSetFunctionsAreChecked) {
  EXPECT_EQ(error_of("INSERT INTO tbl VALUE {'s': <<>>}"), "Empty bags are not supported");
  const char* bag = "Unsupported data type in Bag. DynamoDB only supports either numbers or strings in bags";
  EXPECT_EQ(error_of("INSERT INTO tbl VALUE {'s': <<true>>}"), bag);
  EXPECT_EQ(error_of("INSERT INTO tbl VALUE {'s': <<'a', 1>>}"), bag);
  EXPECT_EQ(error_of("INSERT INTO tbl VALUE {'s': <<'a', 'a'>>}"),
            "One or more parameter values were invalid: Input collection [a, a] contains duplicates.");
  EXPECT_EQ(error_of("INSERT INTO tbl VALUE {'a': 1, 'a': 2}"), "Duplicate keys in tuple. Key: a under root");
  EXPECT_EQ(error_of("UPDATE tbl SET s = set_add(t, <<'x'>>) WHERE pk = 1"),
            "The first argument to SET_ADD must equal the assignment value");
  EXPECT_EQ(error_of("UPDATE tbl SET s = set_delete(s, 'x') WHERE pk = 1"),
            "The second argument to SET_DELETE must be a value with type SET");
  EXPECT_EQ(error_of("UPDATE tbl SET s = set_add(s) WHERE pk = 1"), "SET_ADD must have exactly two arguments");
}

TEST(partiql, DeepNestingIsRefused) {
  std::string deep = "INSERT INTO tbl VALUE {'pk': 1, 'l': " + std::string(40, '[') + std::string(40, ']') + "}";
  EXPECT_EQ(error_of(deep), "Nesting Levels have exceeded supported limits");
  std::string parens = "SELECT * FROM tbl WHERE " + std::string(1000, '(') + "a = 1" + std::string(1000, ')');
  EXPECT_EQ(error_of(parens), malformed(""));
}

}  // namespace
}  // namespace stratus::dynamodb::partiql
