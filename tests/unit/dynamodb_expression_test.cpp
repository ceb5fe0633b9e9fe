// DynamoDB's expression language: parsing conditions, updates and projections (with
// placeholders, reserved words and DynamoDB's exact messages), evaluating conditions
// against items, applying update actions, projecting items, and the key bytes and
// sort-key ranges that Query walks.
//
// Expected messages and behaviours are DynamoDB's own, as recorded by test suites
// that run against DynamoDB (dynalite's test/*.js, ScyllaDB's test/alternator/*.py) and
// as the Developer Guide describes them.
#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/api_error.hpp"
#include "protocol/json.hpp"
#include "services/dynamodb/attribute_value.hpp"
#include "services/dynamodb/expression.hpp"
#include "services/dynamodb/item_store.hpp"
#include "services/dynamodb/key_range.hpp"
#include "services/dynamodb/placeholders.hpp"
#include "services/dynamodb/secondary_index.hpp"

namespace stratus::dynamodb {
namespace {

// -- helpers --------------------------------------------------------------------------

AttributeValue av(const char* wire) { return AttributeValue::parse(json::parse(wire)); }
Item item_of(const char* wire) { return AttributeValue::parse_item(json::parse(wire)); }
std::string text_of(const Item& item) { return json::write(AttributeValue::item_value(item)); }

// The message of the ValidationException that `action` throws, or "accepted". Any
// other exception is reported as such, so that a test fails cleanly instead of aborting.
template <typename Action>
std::string refusal_of(Action action) {
  try {
    action();
  } catch (const ApiError& e) {
    EXPECT_EQ(e.code, "ValidationException") << e.what();
    EXPECT_EQ(e.status, 400);
    return e.what();
  } catch (const std::exception& e) {
    return std::string("not an ApiError: ") + e.what();
  }
  return "accepted";
}

Condition condition(std::string_view text, const char* request = "{}", const char* kind = "ConditionExpression") {
  Placeholders placeholders(json::parse(request));
  return parse_condition(text, kind, placeholders);
}
std::string condition_error(std::string_view text, const char* request = "{}", const char* kind = "ConditionExpression") {
  return refusal_of([&] { condition(text, request, kind); });
}

UpdateExpression update(std::string_view text, const char* request = "{}") {
  Placeholders placeholders(json::parse(request));
  return parse_update(text, placeholders);
}
std::string update_error(std::string_view text, const char* request = "{}") {
  return refusal_of([&] { update(text, request); });
}

std::vector<Path> projection(std::string_view text, const char* request = "{}") {
  Placeholders placeholders(json::parse(request));
  return parse_projection(text, placeholders);
}
std::string projection_error(std::string_view text, const char* request = "{}") {
  return refusal_of([&] { projection(text, request); });
}

// Trees written out compactly: paths as "a.b[1]", values as their wire JSON, every
// condition node parenthesized, so that precedence shows.
std::string show(const Path& path) {
  std::string out;
  for (const auto& step : path)
    out += step.is_index ? "[" + std::to_string(step.index) + "]" : (out.empty() ? "" : ".") + step.name;
  return out;
}

std::string show(const Operand& o) {
  switch (o.kind) {
    case Operand::Kind::Path: return show(o.path);
    case Operand::Kind::Value: return json::write(o.value.to_value());
    case Operand::Kind::Size: return "size(" + show(o.args[0]) + ")";
    case Operand::Kind::IfNotExists: return "if_not_exists(" + show(o.args[0]) + ", " + show(o.args[1]) + ")";
    case Operand::Kind::ListAppend: return "list_append(" + show(o.args[0]) + ", " + show(o.args[1]) + ")";
    case Operand::Kind::Plus: return show(o.args[0]) + " + " + show(o.args[1]);
    case Operand::Kind::Minus: return show(o.args[0]) + " - " + show(o.args[1]);
  }
  return "?";
}

std::string show(const Condition& c) {
  auto list = [&](std::size_t from) {
    std::string out;
    for (std::size_t i = from; i < c.operands.size(); ++i) out += (i > from ? ", " : "") + show(c.operands[i]);
    return out;
  };
  switch (c.kind) {
    case Condition::Kind::Compare: return "(" + show(c.operands[0]) + " " + c.op + " " + show(c.operands[1]) + ")";
    case Condition::Kind::Between:
      return "(" + show(c.operands[0]) + " BETWEEN " + show(c.operands[1]) + " AND " + show(c.operands[2]) + ")";
    case Condition::Kind::In: return "(" + show(c.operands[0]) + " IN " + list(1) + ")";
    case Condition::Kind::And: return "(" + show(c.children[0]) + " AND " + show(c.children[1]) + ")";
    case Condition::Kind::Or: return "(" + show(c.children[0]) + " OR " + show(c.children[1]) + ")";
    case Condition::Kind::Not: return "(NOT " + show(c.children[0]) + ")";
    case Condition::Kind::Exists: return "attribute_exists(" + list(0) + ")";
    case Condition::Kind::NotExists: return "attribute_not_exists(" + list(0) + ")";
    case Condition::Kind::Type: return "attribute_type(" + list(0) + ")";
    case Condition::Kind::BeginsWith: return "begins_with(" + list(0) + ")";
    case Condition::Kind::Contains: return "contains(" + list(0) + ")";
  }
  return "?";
}

std::string show(const UpdateAction& a) {
  switch (a.kind) {
    case UpdateAction::Kind::Set: return "SET " + show(a.path) + " = " + show(a.value);
    case UpdateAction::Kind::Remove: return "REMOVE " + show(a.path);
    case UpdateAction::Kind::Add: return "ADD " + show(a.path) + " " + show(a.value);
    case UpdateAction::Kind::Delete: return "DELETE " + show(a.path) + " " + show(a.value);
  }
  return "?";
}

std::vector<std::string> show(const UpdateExpression& actions) {
  std::vector<std::string> out;
  for (const auto& a : actions) out.push_back(show(a));
  return out;
}

std::string parsed(std::string_view text, const char* request = "{}") { return show(condition(text, request)); }

const char* const kSyntaxValues = R"({"ExpressionAttributeValues":{
  ":v":{"S":"v"}, ":w":{"S":"w"}, ":n":{"N":"1"}, ":m":{"N":"2"}, ":s":{"S":"a"}, ":b":{"S":"b"},
  ":t":{"BOOL":true}, ":null":{"NULL":true}, ":l":{"L":[]}, ":map":{"M":{}}, ":ss":{"SS":["a"]},
  ":ns":{"NS":["1"]}, ":bs":{"BS":["YQ=="]}, ":bin":{"B":"YQ=="}, ":n10":{"N":"10"}, ":n9":{"N":"9"},
  ":type":{"S":"STRING"}, ":typeS":{"S":"S"}}})";

// -- parsing: conditions ----------------------------------------------------------------

TEST(DynamoExpressionParse, OrBindsLooserThanAndWhichBindsLooserThanNot) {
  EXPECT_EQ(parsed("a = b OR c = d AND e = f"), "((a = b) OR ((c = d) AND (e = f)))");
  EXPECT_EQ(parsed("a = b AND c = d OR e = f"), "(((a = b) AND (c = d)) OR (e = f))");
  EXPECT_EQ(parsed("NOT a = b AND c = d"), "((NOT (a = b)) AND (c = d))");
  EXPECT_EQ(parsed("a = b OR NOT c = d"), "((a = b) OR (NOT (c = d)))");
  EXPECT_EQ(parsed("NOT NOT a = b"), "(NOT (NOT (a = b)))");
  // Chains of one operator group from the left.
  EXPECT_EQ(parsed("a = b AND c = d AND e = f"), "(((a = b) AND (c = d)) AND (e = f))");
  EXPECT_EQ(parsed("a = b OR c = d OR e = f"), "(((a = b) OR (c = d)) OR (e = f))");
}

TEST(DynamoExpressionParse, ParenthesesGroup) {
  EXPECT_EQ(parsed("(a = b OR c = d) AND e = f"), "(((a = b) OR (c = d)) AND (e = f))");
  EXPECT_EQ(parsed("NOT (a = b OR c = d)"), "(NOT ((a = b) OR (c = d)))");
  EXPECT_EQ(parsed("a = b AND (c = d OR (e = f AND g = h))"), "((a = b) AND ((c = d) OR ((e = f) AND (g = h))))");
  EXPECT_EQ(parsed("(a = b)"), "(a = b)");
  EXPECT_EQ(parsed("((a = b) AND (c = d))"), "((a = b) AND (c = d))");
  // A group holding nothing but another group is refused.
  const std::string redundant = "Invalid ConditionExpression: The expression has redundant parentheses;";
  EXPECT_EQ(condition_error("((a = b))"), redundant);
  EXPECT_EQ(condition_error("c = d AND NOT ((a = b))"), redundant);
  EXPECT_EQ(condition_error("(((a = b) OR c = d))"), redundant);
}

TEST(DynamoExpressionParse, APathComparedWithItselfIsRefused) {
  const char* names = R"({"ExpressionAttributeNames":{"#a":"a"}})";
  const std::string distinct =
      "Invalid ConditionExpression: The first operand must be distinct from the remaining operands for this operator or "
      "function; operator: ";
  EXPECT_EQ(condition_error("a = a AND #a = b AND :views > a", names), distinct + "=, first operand: [a]");
  EXPECT_EQ(condition_error("#a <> a", names), distinct + "<>, first operand: [a]");
  EXPECT_EQ(condition_error("((a=a) OR (a=a))"), distinct + "=, first operand: [a]");
  EXPECT_EQ(condition_error("contains(ab.bc[1].a, ab.bc[1].#a)", names), distinct + "contains, first operand: [ab, bc, [1], a]");
  EXPECT_EQ(condition_error("attribute_type(ab.bc[1].#a, ab.bc[1].a)", names),
            distinct + "attribute_type, first operand: [ab, bc, [1], a]");
  EXPECT_EQ(condition_error("begins_with(ab.bc[1].a, ab.bc[1].#a)", names), distinct + "begins_with, first operand: [ab, bc, [1], a]");
  // Different paths, or a path and a value, are fine.
  EXPECT_EQ(condition_error("a = a.b"), "accepted");
  EXPECT_EQ(condition_error("a[0] < a[1]"), "accepted");
}

TEST(DynamoExpressionParse, KeywordsIgnoreCaseButFunctionNamesDoNot) {
  EXPECT_EQ(parsed("a = b or c = d and not e = f"), parsed("a = b OR c = d AND NOT e = f"));
  EXPECT_EQ(parsed("a = b Or c = d aNd NoT e = f"), parsed("a = b OR c = d AND NOT e = f"));
  EXPECT_EQ(parsed("a between b and c"), "(a BETWEEN b AND c)");
  EXPECT_EQ(parsed("a In (b)"), "(a IN b)");
  EXPECT_EQ(condition_error("ATTRIBUTE_EXISTS(a)"), "Invalid ConditionExpression: Invalid function name; function: ATTRIBUTE_EXISTS");
  EXPECT_EQ(condition_error("attRIbute_exIsts(a)"), "Invalid ConditionExpression: Invalid function name; function: attRIbute_exIsts");
}

TEST(DynamoExpressionParse, EveryComparator) {
  for (const char* op : {"=", "<>", "<", "<=", ">", ">="}) {
    SCOPED_TRACE(op);
    EXPECT_EQ(parsed(std::string("a ") + op + " :n", kSyntaxValues), std::string("(a ") + op + R"( {"N":"1"}))");
    EXPECT_EQ(parsed(std::string(":n") + op + "a", kSyntaxValues), std::string(R"(({"N":"1"} )") + op + " a)");
    EXPECT_EQ(parsed(std::string("a.b") + op + "c[0]"), std::string("(a.b ") + op + " c[0])");
  }
}

TEST(DynamoExpressionParse, BetweenAndIn) {
  EXPECT_EQ(parsed("n BETWEEN :n AND :m", kSyntaxValues), R"((n BETWEEN {"N":"1"} AND {"N":"2"}))");
  EXPECT_EQ(parsed("n BETWEEN lo AND hi"), "(n BETWEEN lo AND hi)");
  // BETWEEN's AND is not the logical AND.
  EXPECT_EQ(parsed("n BETWEEN :n AND :m AND x = y", kSyntaxValues), R"(((n BETWEEN {"N":"1"} AND {"N":"2"}) AND (x = y)))");
  EXPECT_EQ(parsed("s IN (:v, b, :w)", kSyntaxValues), R"((s IN {"S":"v"}, b, {"S":"w"}))");
  EXPECT_EQ(parsed("size(l) IN (:n)", kSyntaxValues), R"((size(l) IN {"N":"1"}))");
}

TEST(DynamoExpressionParse, InTakesAtMost100Operands) {
  std::string values = R"({"ExpressionAttributeValues":{)", list;
  for (int i = 0; i < 101; ++i) {
    values += (i ? "," : "") + std::string("\":v") + std::to_string(i) + "\":{\"N\":\"" + std::to_string(i) + "\"}";
    if (i < 100) list += (i ? ", :v" : ":v") + std::to_string(i);
  }
  values += "}}";
  EXPECT_EQ(condition_error("a IN (" + list + ")", values.c_str()), "accepted");
  EXPECT_EQ(condition_error("a IN (" + list + ", :v100)", values.c_str()),
            "Invalid ConditionExpression: The IN operator is provided with too many operands; number of operands: 101");
}

TEST(DynamoExpressionParse, Functions) {
  EXPECT_EQ(parsed("attribute_exists(a.b)"), "attribute_exists(a.b)");
  EXPECT_EQ(parsed("attribute_not_exists(l[0])"), "attribute_not_exists(l[0])");
  EXPECT_EQ(parsed("attribute_type(a, :typeS)", kSyntaxValues), R"(attribute_type(a, {"S":"S"}))");
  EXPECT_EQ(parsed("begins_with(a, :s)", kSyntaxValues), R"(begins_with(a, {"S":"a"}))");
  EXPECT_EQ(parsed("begins_with(a, :bin)", kSyntaxValues), R"(begins_with(a, {"B":"YQ=="}))");
  EXPECT_EQ(parsed("contains(a, :n)", kSyntaxValues), R"(contains(a, {"N":"1"}))");
  EXPECT_EQ(parsed("contains(a, b)"), "contains(a, b)");
  EXPECT_EQ(parsed("size(a) > :n", kSyntaxValues), R"((size(a) > {"N":"1"}))");
  EXPECT_EQ(parsed("size(a.b[2]) BETWEEN :n AND :m", kSyntaxValues), R"((size(a.b[2]) BETWEEN {"N":"1"} AND {"N":"2"}))");
  EXPECT_EQ(parsed("NOT attribute_exists(a) OR contains(b, c)"), "((NOT attribute_exists(a)) OR contains(b, c))");
}

TEST(DynamoExpressionParse, PlaceholdersStandForNamesAndValues) {
  const char* request = R"({"ExpressionAttributeNames":{"#dot":"a.b","#s":"status","#x":"x"},
                            "ExpressionAttributeValues":{":v":{"S":"hello"}}})";
  Condition c = condition("#dot.#s[2].#x = :v", request);
  ASSERT_EQ(c.kind, Condition::Kind::Compare);
  // A dot inside a substituted name is part of the name, not a path separator.
  Path expected{{"a.b"}, {"status"}, {"", 2, true}, {"x"}};
  EXPECT_EQ(c.operands[0].path, expected);
  ASSERT_EQ(c.operands[1].kind, Operand::Kind::Value);
  EXPECT_EQ(c.operands[1].value, AttributeValue::string("hello"));
  // Placeholder tokens may start with a digit or underscore.
  EXPECT_EQ(parsed("#1 = :_", R"({"ExpressionAttributeNames":{"#1":"one"},"ExpressionAttributeValues":{":_":{"N":"5"}}})"),
            R"((one = {"N":"5"}))");
}

TEST(DynamoExpressionParse, NestedPathsAndListIndexes) {
  Condition c = condition("attribute_exists(a.b[1][20].c)");
  Path expected{{"a"}, {"b"}, {"", 1, true}, {"", 20, true}, {"c"}};
  EXPECT_EQ(c.operands[0].path, expected);
  EXPECT_EQ(path_text(expected), "[a, b, [1], [20], c]");
}

TEST(DynamoExpressionParse, DocumentPathsNestAtMost32Levels) {
  std::string path = "a";
  for (int i = 1; i < 32; ++i) path += ".a";
  EXPECT_EQ(condition_error("attribute_exists(" + path + ")"), "accepted");
  EXPECT_EQ(condition_error("attribute_exists(" + path + "[0])"),
            "Invalid ConditionExpression: The document path has too many nesting levels; nesting levels: 33");
}

// A list index too large for any integer is a client error, never a crash or a 500.
// A list index too large for any list is refused as DynamoDB refuses bad input, not
// with an internal error.
TEST(DynamoExpressionParse, AHugeListIndexIsAValidationError) {
  std::string message = condition_error("attribute_exists(a[99999999999999999999])");
  EXPECT_EQ(message.rfind("Invalid ConditionExpression: ", 0), 0u) << message;
}

// -- parsing: updates and projections ---------------------------------------------------

TEST(DynamoExpressionParse, UpdateWithAllFourSections) {
  const char* request = R"({"ExpressionAttributeValues":{":v":{"S":"v"},":n":{"N":"1"},":l":{"L":[]},":ss":{"SS":["x"]}}})";
  auto actions = update(
      "SET a = :v, b = b + :n, c = :n - c, d = if_not_exists(d, :n), e = list_append(e, :l), f = list_append(:l, f) "
      "REMOVE g, h.i[1] ADD j :n, k :ss DELETE m :ss",
      request);
  EXPECT_EQ(show(actions), (std::vector<std::string>{
                               R"(SET a = {"S":"v"})",
                               R"(SET b = b + {"N":"1"})",
                               R"(SET c = {"N":"1"} - c)",
                               R"(SET d = if_not_exists(d, {"N":"1"}))",
                               R"(SET e = list_append(e, {"L":[]}))",
                               R"(SET f = list_append({"L":[]}, f))",
                               "REMOVE g",
                               "REMOVE h.i[1]",
                               R"(ADD j {"N":"1"})",
                               R"(ADD k {"SS":["x"]})",
                               R"(DELETE m {"SS":["x"]})",
                           }));
}

TEST(DynamoExpressionParse, UpdateSectionsInAnyOrderAndAnyCase) {
  const char* request = R"({"ExpressionAttributeValues":{":v":{"S":"v"},":n":{"N":"1"},":ss":{"SS":["x"]}}})";
  EXPECT_EQ(show(update("delete d :ss add c :n remove b set a = :v", request)),
            (std::vector<std::string>{R"(DELETE d {"SS":["x"]})", R"(ADD c {"N":"1"})", "REMOVE b", R"(SET a = {"S":"v"})"}));
  EXPECT_EQ(show(update("  sEt   a=:v  ReMoVe b", request)), (std::vector<std::string>{R"(SET a = {"S":"v"})", "REMOVE b"}));
  EXPECT_EQ(show(update("SET a = if_not_exists(a, :n) + :n", request)),
            (std::vector<std::string>{R"(SET a = if_not_exists(a, {"N":"1"}) + {"N":"1"})"}));
  EXPECT_EQ(show(update("SET #a = #b", R"({"ExpressionAttributeNames":{"#a":"c","#b":"a"}})")),
            (std::vector<std::string>{"SET c = a"}));
}

TEST(DynamoExpressionParse, Projections) {
  auto paths = projection("a, b.c, d[0], #n.e", R"({"ExpressionAttributeNames":{"#n":"name"}})");
  ASSERT_EQ(paths.size(), 4u);
  EXPECT_EQ(show(paths[0]), "a");
  EXPECT_EQ(show(paths[1]), "b.c");
  EXPECT_EQ(show(paths[2]), "d[0]");
  EXPECT_EQ(show(paths[3]), "name.e");
  // Paths that share a prefix but neither contains the other are fine.
  for (const char* text : {"a, b", "a.b, a.c", "a.b.d, a.b.e", "a[1], a[2]", "a.b, a.c[2]"}) {
    SCOPED_TRACE(text);
    EXPECT_EQ(projection_error(text), "accepted");
  }
}

// -- parse errors -----------------------------------------------------------------------

// DynamoDB names the token it could not use and quotes the text from the token before
// it to the token after it ("<EOF>" at the end).
TEST(DynamoExpressionParseErrors, SyntaxErrorsNameTheTokenAndTheTextAroundIt) {
  EXPECT_EQ(condition_error("a ="), R"(Invalid ConditionExpression: Syntax error; token: "<EOF>", near: "=")");
  EXPECT_EQ(condition_error("whatever"), R"(Invalid ConditionExpression: Syntax error; token: "<EOF>", near: "whatever")");
  EXPECT_EQ(condition_error("a > 4"), R"(Invalid ConditionExpression: Syntax error; token: "4", near: "> 4")");
  EXPECT_EQ(condition_error("a = :v :w", kSyntaxValues), R"(Invalid ConditionExpression: Syntax error; token: ":w", near: ":v :w")");
  EXPECT_EQ(condition_error("a IN b"), R"(Invalid ConditionExpression: Syntax error; token: "b", near: "IN b")");
  EXPECT_EQ(condition_error("a = b AND"), R"(Invalid ConditionExpression: Syntax error; token: "<EOF>", near: "AND")");
  EXPECT_EQ(condition_error("(a = b"), R"(Invalid ConditionExpression: Syntax error; token: "<EOF>", near: "b")");
  EXPECT_EQ(condition_error("a = b)"), R"m(Invalid ConditionExpression: Syntax error; token: ")", near: "b)")m");
  EXPECT_EQ(condition_error("attribute_type()"), R"m(Invalid ConditionExpression: Syntax error; token: ")", near: "()")m");
  EXPECT_EQ(condition_error("a BETWEEN b c"), R"(Invalid ConditionExpression: Syntax error; token: "c", near: "b c")");
  EXPECT_EQ(condition_error("= a"), R"(Invalid ConditionExpression: Syntax error; token: "=", near: "= a")");
  EXPECT_EQ(condition_error("l[a] = b"), R"(Invalid ConditionExpression: Syntax error; token: "a", near: "[a]")");
  EXPECT_EQ(condition_error("a > b", "{}", "FilterExpression"), "accepted");
  EXPECT_EQ(condition_error("a >", "{}", "FilterExpression"), R"(Invalid FilterExpression: Syntax error; token: "<EOF>", near: ">")");

  // Names cannot start with an underscore: "_" is a token of its own (DynamoDB's own
  // message for this case, as ScyllaDB's alternator tests record it).
  EXPECT_EQ(update_error("SET _123 = :v", kSyntaxValues), R"(Invalid UpdateExpression: Syntax error; token: "_", near: "SET _123")");
  EXPECT_EQ(update_error("SET a = b / c"), R"(Invalid UpdateExpression: Syntax error; token: "/", near: "b / c")");
  EXPECT_EQ(update_error("SET"), R"(Invalid UpdateExpression: Syntax error; token: "<EOF>", near: "SET")");
  EXPECT_EQ(update_error("SET a = :v,", kSyntaxValues), R"(Invalid UpdateExpression: Syntax error; token: "<EOF>", near: ",")");
  EXPECT_EQ(update_error("SET a = b +"), R"(Invalid UpdateExpression: Syntax error; token: "<EOF>", near: "+")");
  // Only two operands of + or -, and not inside function arguments.
  EXPECT_EQ(update_error("SET a = b + c + d"), R"(Invalid UpdateExpression: Syntax error; token: "+", near: "c + d")");
  EXPECT_EQ(update_error("SET c = if_not_exists(c, :v + :w)", kSyntaxValues),
            R"(Invalid UpdateExpression: Syntax error; token: "+", near: ":v + :w")");
  EXPECT_EQ(update_error("HELLO b = :v", kSyntaxValues), R"(Invalid UpdateExpression: Syntax error; token: "HELLO", near: "HELLO b")");
  EXPECT_EQ(update_error("SET :v = :w", kSyntaxValues), R"(Invalid UpdateExpression: Syntax error; token: ":v", near: "SET :v =")");
  EXPECT_EQ(update_error("REMOVE a = b"), R"(Invalid UpdateExpression: Syntax error; token: "=", near: "a = b")");
  EXPECT_EQ(update_error("SET a[:v] = :w", kSyntaxValues), R"(Invalid UpdateExpression: Syntax error; token: ":v", near: "[:v]")");

  EXPECT_EQ(projection_error("a b"), R"(Invalid ProjectionExpression: Syntax error; token: "b", near: "a b")");
  EXPECT_EQ(projection_error("a,"), R"(Invalid ProjectionExpression: Syntax error; token: "<EOF>", near: ",")");
  EXPECT_EQ(projection_error("a..b"), R"(Invalid ProjectionExpression: Syntax error; token: ".", near: "..b")");
}

TEST(DynamoExpressionParseErrors, EmptyExpressions) {
  for (const char* text : {"", "   ", " \t\r\n"}) {
    EXPECT_EQ(condition_error(text), "Invalid ConditionExpression: The expression can not be empty;");
    EXPECT_EQ(condition_error(text, "{}", "KeyConditionExpression"), "Invalid KeyConditionExpression: The expression can not be empty;");
    EXPECT_EQ(update_error(text), "Invalid UpdateExpression: The expression can not be empty;");
    EXPECT_EQ(projection_error(text), "Invalid ProjectionExpression: The expression can not be empty;");
  }
}

TEST(DynamoExpressionParseErrors, UndefinedNamesAndValues) {
  const char* request = R"({"ExpressionAttributeNames":{"#a":"a"},"ExpressionAttributeValues":{":a":{"S":"x"}}})";
  EXPECT_EQ(condition_error("#x = :a", request),
            "Invalid ConditionExpression: An expression attribute name used in the document path is not defined; attribute name: #x");
  EXPECT_EQ(condition_error("a.#nested = :a", request),
            "Invalid ConditionExpression: An expression attribute name used in the document path is not defined; attribute name: #nested");
  EXPECT_EQ(condition_error("#a = :nope", request),
            "Invalid ConditionExpression: An expression attribute value used in expression is not defined; attribute value: :nope");
  EXPECT_EQ(condition_error("#a = :a"),
            "Invalid ConditionExpression: An expression attribute name used in the document path is not defined; attribute name: #a");
  EXPECT_EQ(update_error("SET #a = if_not_exists(#a, :c)", request),
            "Invalid UpdateExpression: An expression attribute value used in expression is not defined; attribute value: :c");
  EXPECT_EQ(projection_error("#p", request),
            "Invalid ProjectionExpression: An expression attribute name used in the document path is not defined; attribute name: #p");
}

// Every name and value given must be used by one of the request's expressions.
TEST(DynamoExpressionParseErrors, UnusedNamesThenUnusedValues) {
  Placeholders p(json::parse(R"({"ExpressionAttributeNames":{"#a":"a","#b":"b","#c":"c"},
                                 "ExpressionAttributeValues":{":a":{"S":"x"},":b":{"S":"y"}}})"));
  parse_condition("#a = :a", "ConditionExpression", p);
  EXPECT_EQ(refusal_of([&] { p.check_all_used(); }), "Value provided in ExpressionAttributeNames unused in expressions: keys: {#b, #c}");
  // Uses in another expression of the same request count.
  parse_projection("#b, #c", p);
  EXPECT_EQ(refusal_of([&] { p.check_all_used(); }), "Value provided in ExpressionAttributeValues unused in expressions: keys: {:b}");
  parse_update("SET x = :b", p);
  EXPECT_EQ(refusal_of([&] { p.check_all_used(); }), "accepted");

  Placeholders none(json::parse("{}"));
  EXPECT_EQ(refusal_of([&] { none.check_all_used(); }), "accepted");
}

TEST(DynamoExpressionParseErrors, ReservedWords) {
  for (const char* word : {"ABORT", "abort", "AbOrT", "status", "Name", "size", "data", "key", "value", "timestamp", "zone", "set"})
    EXPECT_TRUE(is_reserved_word(word)) << word;
  for (const char* word : {"id", "email", "attribute_exists", "abort_", "ab", "", "statuses"})
    EXPECT_FALSE(is_reserved_word(word)) << word;

  // The message quotes the name as written; every step of a path is checked.
  EXPECT_EQ(condition_error(":v < abOrT", kSyntaxValues, "FilterExpression"),
            "Invalid FilterExpression: Attribute name is a reserved keyword; reserved keyword: abOrT");
  EXPECT_EQ(condition_error("attribute_exists(views)"), "Invalid ConditionExpression: Attribute name is a reserved keyword; reserved keyword: views");
  EXPECT_EQ(condition_error("a.status = :v", kSyntaxValues),
            "Invalid ConditionExpression: Attribute name is a reserved keyword; reserved keyword: status");
  EXPECT_EQ(update_error(" remove Absolute "), "Invalid UpdateExpression: Attribute name is a reserved keyword; reserved keyword: Absolute");
  EXPECT_EQ(projection_error("id, name"), "Invalid ProjectionExpression: Attribute name is a reserved keyword; reserved keyword: name");
  // A placeholder stands in for a reserved word.
  EXPECT_EQ(projection_error("id, #n", R"({"ExpressionAttributeNames":{"#n":"name"}})"), "accepted");
}

TEST(DynamoExpressionParseErrors, OverlappingPaths) {
  const std::string overlap =
      "Two document paths overlap with each other; must remove or rewrite one of these paths; path one: ";
  const char* names = R"({"ExpressionAttributeNames":{"#c":"c","#d":"[3]"},"ExpressionAttributeValues":{":v":{"S":"v"}}})";
  EXPECT_EQ(update_error("SET a = :v REMOVE a", names), "Invalid UpdateExpression: " + overlap + "[a], path two: [a]");
  EXPECT_EQ(update_error("REMOVE c, #c.a", names), "Invalid UpdateExpression: " + overlap + "[c], path two: [c, a]");
  EXPECT_EQ(update_error("SET c.b.#c = :v, c = :v", names), "Invalid UpdateExpression: " + overlap + "[c, b, c], path two: [c]");
  // A name that looks like an index prints like one.
  EXPECT_EQ(update_error("SET #c[3].#d = :v, #c[3] = :v", names),
            "Invalid UpdateExpression: " + overlap + "[c, [3], [3]], path two: [c, [3]]");
  EXPECT_EQ(update_error("SET a[1][1] = :v, a[1] = :v", names), "Invalid UpdateExpression: " + overlap + "[a, [1], [1]], path two: [a, [1]]");
  EXPECT_EQ(projection_error("a.b, a"), "Invalid ProjectionExpression: " + overlap + "[a, b], path two: [a]");
  EXPECT_EQ(projection_error("a, a"), "Invalid ProjectionExpression: " + overlap + "[a], path two: [a]");
}

TEST(DynamoExpressionParseErrors, ConflictingPaths) {
  const std::string conflict =
      "Two document paths conflict with each other; must remove or rewrite one of these paths; path one: ";
  const char* names = R"({"ExpressionAttributeNames":{"#c":"c","#d":"[3]"},"ExpressionAttributeValues":{":v":{"S":"v"}}})";
  EXPECT_EQ(update_error("remove a.#c set a[1] = :v", names), "Invalid UpdateExpression: " + conflict + "[a, c], path two: [a, [1]]");
  EXPECT_EQ(update_error("set #c[3].#d = :v, #c.#d[3] = :v", names),
            "Invalid UpdateExpression: " + conflict + "[c, [3], [3]], path two: [c, [3], [3]]");
  EXPECT_EQ(projection_error("a.b[1], a.b.c"), "Invalid ProjectionExpression: " + conflict + "[a, b, [1]], path two: [a, b, c]");

  // check_disjoint on its own.
  Path a{{"a"}}, ab{{"a"}, {"b"}}, a1{{"a"}, {"", 1, true}}, a2{{"a"}, {"", 2, true}}, b{{"b"}};
  EXPECT_NO_THROW(check_disjoint({a1, a2, b, {{"c"}, {"b"}}}, "ProjectionExpression"));
  EXPECT_EQ(refusal_of([&] { check_disjoint({b, ab, a1}, "ProjectionExpression"); }),
            "Invalid ProjectionExpression: " + conflict + "[a, b], path two: [a, [1]]");
  EXPECT_EQ(refusal_of([&] { check_disjoint({a1, a}, "UpdateExpression"); }),
            "Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; "
            "path one: [a, [1]], path two: [a]");
}

TEST(DynamoExpressionParseErrors, ASectionUsedTwice) {
  const char* values = R"({"ExpressionAttributeValues":{":v":{"S":"v"},":n":{"N":"1"},":ss":{"SS":["x"]}}})";
  EXPECT_EQ(update_error("set a = :v set c = :v", values), R"(Invalid UpdateExpression: The "SET" section can only be used once in an update expression;)");
  EXPECT_EQ(update_error("remove d set a = :v remove e", values), R"(Invalid UpdateExpression: The "REMOVE" section can only be used once in an update expression;)");
  EXPECT_EQ(update_error("add d :n set a = :v ADD e :n", values), R"(Invalid UpdateExpression: The "ADD" section can only be used once in an update expression;)");
  EXPECT_EQ(update_error("delete d :ss set a = :v Delete e :ss", values), R"(Invalid UpdateExpression: The "DELETE" section can only be used once in an update expression;)");
}

TEST(DynamoExpressionParseErrors, ConstantsOfTypesAnOperatorCannotUse) {
  auto type_error = [](const char* kind, const char* op, const char* type) {
    return std::string("Invalid ") + kind + ": Incorrect operand type for operator or function; operator or function: " + op +
           ", operand type: " + type;
  };
  // Ordering comparisons and BETWEEN take S, N and B constants; = and <> take any.
  EXPECT_EQ(condition_error("a < :t", kSyntaxValues), type_error("ConditionExpression", "<", "BOOL"));
  EXPECT_EQ(condition_error(":l >= a", kSyntaxValues), type_error("ConditionExpression", ">=", "L"));
  EXPECT_EQ(condition_error("a > :null", kSyntaxValues), type_error("ConditionExpression", ">", "NULL"));
  EXPECT_EQ(condition_error("a <= :ss", kSyntaxValues), type_error("ConditionExpression", "<=", "SS"));
  EXPECT_EQ(condition_error("a BETWEEN :map AND :n", kSyntaxValues), type_error("ConditionExpression", "BETWEEN", "M"));
  for (const char* ok : {"a = :l", "a <> :map", "a IN (:t, :null, :ns)", "a < :bin", "a > :s", "a >= :n"})
    EXPECT_EQ(condition_error(ok, kSyntaxValues), "accepted") << ok;
  // begins_with takes S or B constants, attribute_type an S.
  EXPECT_EQ(condition_error("begins_with(a, :n)", kSyntaxValues, "FilterExpression"), type_error("FilterExpression", "begins_with", "N"));
  EXPECT_EQ(condition_error("begins_with(a, :bs)", kSyntaxValues), type_error("ConditionExpression", "begins_with", "BS"));
  EXPECT_EQ(condition_error("attribute_type(a, :n)", kSyntaxValues), type_error("ConditionExpression", "attribute_type", "N"));
  // + and - take numbers, list_append lists.
  EXPECT_EQ(update_error("SET a = :s + :n", kSyntaxValues), type_error("UpdateExpression", "+", "S"));
  EXPECT_EQ(update_error("SET a = :bin - a", kSyntaxValues), type_error("UpdateExpression", "-", "B"));
  EXPECT_EQ(update_error("SET a = a - :l", kSyntaxValues), type_error("UpdateExpression", "-", "L"));
  EXPECT_EQ(update_error("SET a = list_append(:s, a)", kSyntaxValues), type_error("UpdateExpression", "list_append", "S"));
  EXPECT_EQ(update_error("SET a = list_append(a, :ns)", kSyntaxValues), type_error("UpdateExpression", "list_append", "NS"));
  // ADD takes numbers and sets, DELETE sets, named the long way.
  auto action_error = [](const char* action, const char* type) {
    return std::string("Invalid UpdateExpression: Incorrect operand type for operator or function; operator: ") + action +
           ", operand type: " + type;
  };
  EXPECT_EQ(update_error("ADD a :s", kSyntaxValues), action_error("ADD", "STRING"));
  EXPECT_EQ(update_error("ADD a.b :null", kSyntaxValues), action_error("ADD", "NULL"));
  EXPECT_EQ(update_error("ADD a :t", kSyntaxValues), action_error("ADD", "BOOLEAN"));
  EXPECT_EQ(update_error("ADD a :bin", kSyntaxValues), action_error("ADD", "BINARY"));
  EXPECT_EQ(update_error("ADD a :map", kSyntaxValues), action_error("ADD", "MAP"));
  EXPECT_EQ(update_error("ADD a :l", kSyntaxValues), action_error("ADD", "LIST"));
  EXPECT_EQ(update_error("DELETE a :n", kSyntaxValues), action_error("DELETE", "NUMBER"));
  EXPECT_EQ(update_error("DELETE a :s", kSyntaxValues), action_error("DELETE", "STRING"));
  EXPECT_EQ(update_error("DELETE a :l", kSyntaxValues), action_error("DELETE", "LIST"));
  for (const char* ok : {"ADD a :n", "ADD a :ss", "ADD a :ns", "ADD a :bs", "DELETE a :ss", "DELETE a :ns", "DELETE a :bs"})
    EXPECT_EQ(update_error(ok, kSyntaxValues), "accepted") << ok;
}

TEST(DynamoExpressionParseErrors, BetweenBoundsOfDifferentTypesOrOutOfOrder) {
  EXPECT_EQ(condition_error("a between :n and :s", kSyntaxValues),
            "Invalid ConditionExpression: The BETWEEN operator requires same data type for lower and upper bounds; "
            "lower bound operand: AttributeValue: {N:1}, upper bound operand: AttributeValue: {S:a}");
  EXPECT_EQ(condition_error("a between :b and :s", kSyntaxValues),
            "Invalid ConditionExpression: The BETWEEN operator requires upper bound to be greater than or equal to lower bound; "
            "lower bound operand: AttributeValue: {S:b}, upper bound operand: AttributeValue: {S:a}");
  // Numbers are ordered as numbers, not as text.
  EXPECT_EQ(condition_error("a between :n10 and :n9", kSyntaxValues, "KeyConditionExpression"),
            "Invalid KeyConditionExpression: The BETWEEN operator requires upper bound to be greater than or equal to lower bound; "
            "lower bound operand: AttributeValue: {N:10}, upper bound operand: AttributeValue: {N:9}");
  EXPECT_EQ(condition_error("a between :n9 and :n10", kSyntaxValues), "accepted");
  EXPECT_EQ(condition_error("a between :n and :n", kSyntaxValues), "accepted");
}

TEST(DynamoExpressionParseErrors, FunctionsWithTheWrongOperands) {
  auto count_error = [](const char* function, int n) {
    return std::string("Invalid ConditionExpression: Incorrect number of operands for operator or function; operator or function: ") +
           function + ", number of operands: " + std::to_string(n);
  };
  EXPECT_EQ(condition_error("attribute_exists(things, a) and a = b"), count_error("attribute_exists", 2));
  EXPECT_EQ(condition_error("attribute_not_exists(things, b)"), count_error("attribute_not_exists", 2));
  EXPECT_EQ(condition_error("attribute_type(things)"), count_error("attribute_type", 1));
  EXPECT_EQ(condition_error("begins_with(things)"), count_error("begins_with", 1));
  EXPECT_EQ(condition_error("contains(things)"), count_error("contains", 1));
  EXPECT_EQ(condition_error("size(things, a) > b"), count_error("size", 2));
  EXPECT_EQ(update_error("SET a = if_not_exists(c)"),
            "Invalid UpdateExpression: Incorrect number of operands for operator or function; operator or function: if_not_exists, number of operands: 1");
  EXPECT_EQ(update_error("SET a = list_append(c)"),
            "Invalid UpdateExpression: Incorrect number of operands for operator or function; operator or function: list_append, number of operands: 1");

  EXPECT_EQ(condition_error("attribute_exists(:v) and a = b", kSyntaxValues),
            "Invalid ConditionExpression: Operator or function requires a document path; operator or function: attribute_exists");
  EXPECT_EQ(update_error("SET a = if_not_exists(:v, c)", kSyntaxValues),
            "Invalid UpdateExpression: Operator or function requires a document path; operator or function: if_not_exists");
  EXPECT_EQ(update_error("SET a = if_not_exists(if_not_exists(a, b), c)"),
            "Invalid UpdateExpression: Operator or function requires a document path; operator or function: if_not_exists");

  EXPECT_EQ(condition_error("size(things)"),
            "Invalid ConditionExpression: The function is not allowed to be used this way in an expression; function: size");
  EXPECT_EQ(condition_error("a = b and whatever(c) > d"), "Invalid ConditionExpression: Invalid function name; function: whatever");
  EXPECT_EQ(update_error("SET a = f(b, c, d)"), "Invalid UpdateExpression: Invalid function name; function: f");
  EXPECT_EQ(update_error("SET a = size(b)"), "Invalid UpdateExpression: The function is not allowed in an update expression; function: size");
  EXPECT_EQ(update_error("SET a = contains(b, c)"),
            "Invalid UpdateExpression: The function is not allowed in an update expression; function: contains");
}

// DynamoDB writes "valid types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}" (dynalite's scan.js
// matches it with /valid types: {((B|NULL|SS|BOOL|L|BS|N|NS|S|M),?){10}}$/, which
// allows no spaces; emulators checked against DynamoDB print it the same way).
TEST(DynamoExpressionParseErrors, AttributeTypeNamesMustBeDynamoDbTypes) {
  EXPECT_EQ(condition_error("attribute_type(a, :type)", kSyntaxValues, "FilterExpression"),
            "Invalid FilterExpression: Invalid attribute type name found; type: STRING, valid types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}");
  EXPECT_EQ(condition_error("attribute_type(a, :typeS)", kSyntaxValues, "FilterExpression"), "accepted");
}

// -- evaluation -------------------------------------------------------------------------

const char* const kItem = R"({
  "s":{"S":"abc"}, "n":{"N":"10"}, "b":{"B":"AQI="}, "t":{"BOOL":true}, "t2":{"BOOL":false}, "nul":{"NULL":true},
  "ss":{"SS":["a","b"]}, "ns":{"NS":["1","2"]}, "bs":{"BS":["AQ==","Ag=="]},
  "l":{"L":[{"S":"a"},{"N":"1"},{"L":[{"S":"x"}]}]}, "l2":{"L":[{"S":"a"}]},
  "m":{"M":{"k":{"S":"v"},"deep":{"M":{"x":{"N":"1"}}}}},
  "hi":{"B":"gA=="}, "accent":{"S":"é"}})";

const char* const kValues = R"({"ExpressionAttributeValues":{
  ":abc":{"S":"abc"}, ":abd":{"S":"abd"}, ":ab":{"S":"ab"}, ":bc":{"S":"bc"}, ":a":{"S":"a"}, ":x":{"S":"x"}, ":z":{"S":"z"},
  ":n1":{"N":"1"}, ":n2":{"N":"2"}, ":n3":{"N":"3"}, ":n9":{"N":"9"}, ":n10":{"N":"10"}, ":n10x":{"N":"10.000"},
  ":n11":{"N":"11"}, ":s10":{"S":"10"},
  ":b01":{"B":"AQ=="}, ":b02":{"B":"Ag=="}, ":b0102":{"B":"AQI="}, ":b0103":{"B":"AQM="}, ":b7f":{"B":"fw=="},
  ":true":{"BOOL":true}, ":false":{"BOOL":false}, ":null":{"NULL":true},
  ":ss":{"SS":["b","a"]}, ":ns":{"NS":["2","1.0"]}, ":bs":{"BS":["Ag==","AQ=="]},
  ":l":{"L":[{"S":"a"},{"N":"1.0"},{"L":[{"S":"x"}]}]}, ":lx":{"L":[{"S":"x"}]}, ":deep":{"M":{"x":{"N":"1"}}},
  ":tS":{"S":"S"}, ":tN":{"S":"N"}, ":tB":{"S":"B"}, ":tBOOL":{"S":"BOOL"}, ":tNULL":{"S":"NULL"}, ":tSS":{"S":"SS"},
  ":tNS":{"S":"NS"}, ":tBS":{"S":"BS"}, ":tL":{"S":"L"}, ":tM":{"S":"M"}}})";

bool holds(std::string_view text, const char* item = kItem) { return matches(condition(text, kValues), item_of(item)); }

TEST(DynamoExpressionEval, EqualityOnEveryType) {
  for (const char* text : {"s = :abc", "n = :n10", "n = :n10x", "b = :b0102", "t = :true", "t2 = :false", "nul = :null",
                           "ss = :ss", "ns = :ns", "bs = :bs", "l = :l", "m.deep = :deep", "l[2] = :lx", ":abc = s"})
    EXPECT_TRUE(holds(text)) << text;
  for (const char* text : {"s = :abd", "n = :n9", "b = :b01", "t = :false", "nul = :true", "ss = :a", "l2 = :l",
                           "m = :deep", "n = :s10", "s = :ss"})
    EXPECT_FALSE(holds(text)) << text;
  // Path against path.
  EXPECT_TRUE(holds("l[0] = l2[0]"));
  EXPECT_FALSE(holds("s = n"));
}

TEST(DynamoExpressionEval, NotEqualIsTrueForOtherValuesTypesAndMissingAttributes) {
  EXPECT_TRUE(holds("s <> :abd"));
  EXPECT_FALSE(holds("s <> :abc"));
  EXPECT_FALSE(holds("n <> :n10x"));
  EXPECT_TRUE(holds("n <> :s10"));
  EXPECT_TRUE(holds("ss <> :ns"));
  EXPECT_TRUE(holds("absent <> :abc"));
}

TEST(DynamoExpressionEval, OrderingOnStringsNumbersAndBinaries) {
  for (const char* text : {"s < :abd", "s <= :abd", "s <= :abc", "s >= :abc", "s > :ab", "s >= :ab", ":ab < s",
                           "n > :n9", "n >= :n10x", "n <= :n10x", "n < :n11", ":n9 < n",
                           "b < :b0103", "b > :b01", "b >= :b0102", "b < :b7f"})
    EXPECT_TRUE(holds(text)) << text;
  for (const char* text : {"s < :abc", "s > :abc", "s > :abd", "n < :n10", "n > :n10x", "n < :n9", "b > :b0103", "b < :b01"})
    EXPECT_FALSE(holds(text)) << text;
  // Numbers by value, not by text: 10 > 9 although "10" < "9".
  EXPECT_TRUE(holds("n > :n9"));
  // Strings and binaries by unsigned bytes: 0x80 above 0x7f, "é" (C3 A9) above "z".
  EXPECT_TRUE(holds("hi > :b7f"));
  EXPECT_TRUE(holds("accent > :z"));
  // Two paths.
  EXPECT_TRUE(holds("l[1] < n"));
  EXPECT_FALSE(holds("n < l[1]"));
}

TEST(DynamoExpressionEval, OperandsOfMismatchedOrUnorderedTypesAreFalse) {
  for (const char* text : {"n < :s10", "n > :s10", "s > :n1", "s <= :n1", "b < :abc", "s >= :b01",
                           "t < t2", "t2 <= t", "l < l2", "l2 >= l", "m > m.deep", "ss <= ns", "nul < n"})
    EXPECT_FALSE(holds(text)) << text;
  EXPECT_TRUE(holds("NOT n < :s10"));
}

TEST(DynamoExpressionEval, MissingAttributes) {
  for (const char* text : {"absent = :abc", "absent < :abc", "absent >= :abc", ":abc > absent", "absent BETWEEN :n1 AND :n2",
                           "absent IN (:abc, :n1)", "begins_with(absent, :a)", "contains(absent, :a)",
                           "attribute_type(absent, :tS)", "attribute_exists(absent)", "absent = absent2", "m.nope = :a",
                           "l[9] = :a", "s.x = :a", "s[0] = :a"})
    EXPECT_FALSE(holds(text)) << text;
  EXPECT_TRUE(holds("attribute_not_exists(absent)"));
  EXPECT_TRUE(holds("NOT absent = :abc"));

  EXPECT_TRUE(holds("attribute_exists(m.k)"));
  EXPECT_TRUE(holds("attribute_exists(m.deep.x)"));
  EXPECT_TRUE(holds("attribute_exists(l[2][0])"));
  EXPECT_FALSE(holds("attribute_exists(l[3])"));
  EXPECT_FALSE(holds("attribute_exists(m.nope)"));
  EXPECT_FALSE(holds("attribute_exists(m[0])"));   // a map has no elements
  EXPECT_FALSE(holds("attribute_exists(l.k)"));    // a list has no members
  EXPECT_FALSE(holds("attribute_exists(s.x)"));
  EXPECT_TRUE(holds("attribute_not_exists(s.x)"));
  EXPECT_TRUE(holds("attribute_exists(nul)"));     // NULL is a value, not absence

  // No item at all (a conditional write to a new key).
  Item none;
  EXPECT_TRUE(matches(condition("attribute_not_exists(a)"), none));
  EXPECT_FALSE(matches(condition("attribute_exists(a)"), none));
  EXPECT_FALSE(matches(condition("a = :abc", kValues), none));
}

TEST(DynamoExpressionEval, Between) {
  for (const char* text : {"n BETWEEN :n9 AND :n11", "n BETWEEN :n10 AND :n11", "n BETWEEN :n9 AND :n10x", "n BETWEEN :n10 AND :n10",
                           "s BETWEEN :ab AND :abd", "s BETWEEN :abc AND :abc", "b BETWEEN :b01 AND :b0103", "s BETWEEN l[0] AND :bc"})
    EXPECT_TRUE(holds(text)) << text;
  for (const char* text : {"n BETWEEN :n11 AND :n11", "n BETWEEN :n1 AND :n9", "s BETWEEN :abd AND :bc", "s BETWEEN :n1 AND :n2",
                           "n BETWEEN :abc AND :abd", "t BETWEEN :n1 AND :n2"})
    EXPECT_FALSE(holds(text)) << text;
}

TEST(DynamoExpressionEval, In) {
  EXPECT_TRUE(holds("n IN (:n1, :n10x)"));
  EXPECT_TRUE(holds("s IN (:abc)"));
  EXPECT_TRUE(holds("ss IN (:abc, :ss)"));
  EXPECT_TRUE(holds("l[0] IN (:x, :a)"));
  EXPECT_TRUE(holds("l[1] IN (:n9, m.deep.x)"));
  EXPECT_FALSE(holds("s IN (:abd, :ab)"));
  EXPECT_FALSE(holds("n IN (:s10)"));
  EXPECT_FALSE(holds("n IN (absent)"));
}

TEST(DynamoExpressionEval, Size) {
  for (const char* text : {"size(s) = :n3", "size(b) = :n2", "size(ss) = :n2", "size(ns) = :n2", "size(bs) = :n2", "size(l) = :n3",
                           "size(m) = :n2", "size(m.deep) = :n1", "size(l[2]) = :n1", "size(l) > :n2", "size(s) BETWEEN :n1 AND :n3",
                           "size(s) IN (:n9, :n3)", "size(l2) <> :n2"})
    EXPECT_TRUE(holds(text)) << text;
  // Numbers, booleans and nulls have no size: every comparison with their size is false.
  for (const char* text : {"size(n) = :n2", "size(n) > :n1", "size(t) = :n1", "size(nul) = :n1", "size(n) <> :n1",
                           "size(absent) = :n1", "size(absent) > :n1", "size(s) = :s10"})
    EXPECT_FALSE(holds(text)) << text;
}

TEST(DynamoExpressionEval, ContainsOnStringsSetsAndLists) {
  // A substring of a string, a subsequence of a binary.
  EXPECT_TRUE(holds("contains(s, :bc)"));
  EXPECT_TRUE(holds("contains(s, :abc)"));
  EXPECT_FALSE(holds("contains(s, :abd)"));
  EXPECT_FALSE(holds("contains(s, :n1)"));
  EXPECT_TRUE(holds("contains(b, :b02)"));
  EXPECT_FALSE(holds("contains(b, :b0103)"));
  EXPECT_FALSE(holds("contains(b, :a)"));
  // A member of a set, of the set's element type.
  EXPECT_TRUE(holds("contains(ss, :a)"));
  EXPECT_FALSE(holds("contains(ss, :x)"));
  EXPECT_FALSE(holds("contains(ss, :ab)"));
  EXPECT_FALSE(holds("contains(ss, :ss)"));
  EXPECT_TRUE(holds("contains(ns, :n1)"));
  EXPECT_FALSE(holds("contains(ns, :n3)"));
  EXPECT_FALSE(holds("contains(ns, :a)"));
  EXPECT_TRUE(holds("contains(bs, :b01)"));
  EXPECT_FALSE(holds("contains(bs, :b0102)"));
  // An element of a list, of any type; nested lists are not searched.
  EXPECT_TRUE(holds("contains(l, :a)"));
  EXPECT_TRUE(holds("contains(l, :n1)"));
  EXPECT_TRUE(holds("contains(l, :lx)"));
  EXPECT_FALSE(holds("contains(l, :x)"));
  // The operand may be a path.
  EXPECT_TRUE(holds("contains(ss, l[0])"));
  // Other types contain nothing.
  EXPECT_FALSE(holds("contains(n, :n1)"));
  EXPECT_FALSE(holds("contains(m, :abc)"));
  EXPECT_FALSE(holds("contains(t, :true)"));
}

TEST(DynamoExpressionEval, BeginsWithOnStringsAndBinaries) {
  EXPECT_TRUE(holds("begins_with(s, :ab)"));
  EXPECT_TRUE(holds("begins_with(s, :abc)"));
  EXPECT_TRUE(holds("begins_with(s, :a)"));
  EXPECT_FALSE(holds("begins_with(s, :bc)"));
  EXPECT_FALSE(holds("begins_with(s, :abd)"));
  EXPECT_TRUE(holds("begins_with(b, :b01)"));
  EXPECT_TRUE(holds("begins_with(b, :b0102)"));
  EXPECT_FALSE(holds("begins_with(b, :b02)"));
  // The prefix must be of the attribute's type.
  EXPECT_FALSE(holds("begins_with(s, :b01)"));
  EXPECT_FALSE(holds("begins_with(b, :a)"));
  EXPECT_FALSE(holds("begins_with(n, :s10)"));
  EXPECT_FALSE(holds("begins_with(ss, :a)"));
  EXPECT_FALSE(holds("begins_with(l, :a)"));
  EXPECT_TRUE(holds("begins_with(s, l[0])"));
}

TEST(DynamoExpressionEval, AttributeType) {
  const std::map<std::string, std::string> types = {{"s", ":tS"},   {"n", ":tN"},   {"b", ":tB"},   {"t", ":tBOOL"},
                                                    {"nul", ":tNULL"}, {"ss", ":tSS"}, {"ns", ":tNS"}, {"bs", ":tBS"},
                                                    {"l", ":tL"},   {"m", ":tM"}};
  for (const auto& [attribute, type] : types)
    for (const auto& [other, other_type] : types) {
      std::string text = "attribute_type(" + attribute + ", " + other_type + ")";
      EXPECT_EQ(holds(text), attribute == other) << text;
    }
  EXPECT_TRUE(holds("attribute_type(m.deep.x, :tN)"));
}

TEST(DynamoExpressionEval, LogicalOperators) {
  EXPECT_TRUE(holds("s = :abc AND NOT n = :n9"));
  EXPECT_FALSE(holds("s = :abc AND n = :n9"));
  EXPECT_TRUE(holds("s = :abd OR n = :n10"));
  EXPECT_FALSE(holds("s = :abd OR n = :n9"));
  EXPECT_TRUE(holds("(s = :abd OR n = :n10) AND attribute_exists(m)"));
  EXPECT_FALSE(holds("s = :abd OR n = :n10 AND attribute_not_exists(m)"));
  EXPECT_TRUE(holds("s = :abc OR n = :n10 AND attribute_not_exists(m)"));
  EXPECT_TRUE(holds("NOT (s = :abd OR n = :n9)"));
}

// -- apply_update -----------------------------------------------------------------------

const char* const kUpdateValues = R"({"ExpressionAttributeValues":{
  ":v":{"S":"v"}, ":w":{"S":"w"}, ":zero":{"N":"0"}, ":one":{"N":"1"}, ":tenth":{"N":"0.1"},
  ":big":{"N":"99999999999999999999999999999999999999"},
  ":l":{"L":[{"S":"x"},{"S":"y"}]}, ":empty":{"L":[]}, ":a1":{"S":"a1"}, ":a2":{"S":"a2"}, ":a3":{"S":"a3"}, ":a4":{"S":"a4"},
  ":ss":{"SS":["b","c"]}, ":ssa":{"SS":["a"]}, ":ns":{"NS":["2","3"]}, ":bs":{"BS":["Ag=="]}}})";

Item updated(std::string_view text, const char* item, const char* request = kUpdateValues) {
  return apply_update(update(text, request), item_of(item), true);
}
std::string update_refusal(std::string_view text, const char* item, const char* request = kUpdateValues) {
  UpdateExpression actions = update(text, request);  // must parse
  return refusal_of([&] { apply_update(actions, item_of(item), true); });
}

#define EXPECT_ITEM(actual, expected)                                                                   \
  do {                                                                                                  \
    Item actual_item = (actual), expected_item = item_of(expected);                                     \
    EXPECT_TRUE(actual_item == expected_item) << "actual:   " << text_of(actual_item) << "\nexpected: " \
                                              << text_of(expected_item);                                \
  } while (false)

const std::string kInvalidPath = "The document path provided in the update expression is invalid for update";
const std::string kWrongType = "An operand in the update expression has an incorrect data type";
const std::string kNoSuchAttribute = "The provided expression refers to an attribute that does not exist in the item";

TEST(DynamoExpressionUpdate, SetAssignsTopLevelAndNestedValues) {
  EXPECT_ITEM(updated("SET x = :v, a.c = :w, a.b = :v, l[1] = :w, a.d.e = :v",
                      R"({"a":{"M":{"b":{"N":"1"},"d":{"M":{}}}},"l":{"L":[{"S":"p"},{"S":"q"}]},"keep":{"N":"7"}})"),
              R"({"a":{"M":{"b":{"S":"v"},"c":{"S":"w"},"d":{"M":{"e":{"S":"v"}}}}},"l":{"L":[{"S":"p"},{"S":"w"}]},
                  "keep":{"N":"7"},"x":{"S":"v"}})");
  // A new value of another type replaces the whole old one.
  EXPECT_ITEM(updated("SET a.c = :v", R"({"a":{"M":{"b":{"N":"3"},"c":{"M":{"one":{"N":"1"}}}}}})"),
              R"({"a":{"M":{"b":{"N":"3"},"c":{"S":"v"}}}})");
  EXPECT_ITEM(updated("SET a.c[1].#n.y[1] = :v", R"({"a":{"M":{"c":{"L":[{"S":"hi"},{"M":{"x":{"M":{"y":{"L":[{"N":"3"},{"N":"5"}]}}}}}]}}}})",
                      R"({"ExpressionAttributeNames":{"#n":"x"},"ExpressionAttributeValues":{":v":{"N":"9"}}})"),
              R"({"a":{"M":{"c":{"L":[{"S":"hi"},{"M":{"x":{"M":{"y":{"L":[{"N":"3"},{"N":"9"}]}}}}}]}}}})");
  // On no item at all, a SET makes one.
  EXPECT_ITEM(updated("SET a = :v", "{}"), R"({"a":{"S":"v"}})");
}

TEST(DynamoExpressionUpdate, SetPastTheEndOfAListAppendsInIndexOrder) {
  const char* item = R"({"l":{"L":[{"S":"one"},{"S":"two"},{"S":"three"}]}})";
  EXPECT_ITEM(updated("SET l[7] = :v", item), R"({"l":{"L":[{"S":"one"},{"S":"two"},{"S":"three"},{"S":"v"}]}})");
  // Several appends go in by index, whatever order the actions were written in.
  EXPECT_ITEM(updated("SET l[84] = :a1, l[37] = :a2, l[17] = :a3, l[50] = :a4", item),
              R"({"l":{"L":[{"S":"one"},{"S":"two"},{"S":"three"},{"S":"a3"},{"S":"a2"},{"S":"a4"},{"S":"a1"}]}})");
  EXPECT_ITEM(updated("SET l[10] = :a1, l[3] = :a2, l[1] = :a3", item),
              R"({"l":{"L":[{"S":"one"},{"S":"a3"},{"S":"three"},{"S":"a2"},{"S":"a1"}]}})");
  // ADD past the end appends too, in the same index order as SET.
  EXPECT_ITEM(updated("SET c[4] = :v, c[2] = :w ADD c[8] :ss, c[6] :one", R"({"c":{"L":[{"N":"1"},{"N":"3"}]}})"),
              R"({"c":{"L":[{"N":"1"},{"N":"3"},{"S":"w"},{"S":"v"},{"N":"1"},{"SS":["b","c"]}]}})");
}

TEST(DynamoExpressionUpdate, OperandsReadTheItemAsItWasBeforeTheUpdate) {
  EXPECT_ITEM(updated("SET a = b, b = a", R"({"a":{"S":"A"},"b":{"S":"B"}})"), R"({"a":{"S":"B"},"b":{"S":"A"}})");
  EXPECT_ITEM(updated("REMOVE a SET b = a", R"({"a":{"S":"hello"}})"), R"({"b":{"S":"hello"}})");
  EXPECT_ITEM(updated("SET c = b REMOVE b", R"({"b":{"S":"hello"}})"), R"({"c":{"S":"hello"}})");
  EXPECT_ITEM(updated("ADD n :one SET m = n", R"({"n":{"N":"5"}})"), R"({"m":{"N":"5"},"n":{"N":"6"}})");
  EXPECT_ITEM(updated("SET n = n + :one, m = n - :one", R"({"n":{"N":"5"}})"), R"({"m":{"N":"4"},"n":{"N":"6"}})");
  // So an attribute set by one action is not there yet for another.
  EXPECT_EQ(update_refusal("SET x = :v, y = x", R"({"a":{"S":"A"}})"), kNoSuchAttribute);
  EXPECT_ITEM(updated("SET a = a", R"({"a":{"S":"A"}})"), R"({"a":{"S":"A"}})");
}

TEST(DynamoExpressionUpdate, ArithmeticIsExactDecimal) {
  Item item = item_of(R"({"n":{"N":"0"}})");
  UpdateExpression add_a_tenth = update("SET n = n + :tenth", kUpdateValues);
  for (int i = 0; i < 10; ++i) item = apply_update(add_a_tenth, item, true);
  EXPECT_EQ(item.at("n").as_number().to_string(), "1");

  EXPECT_ITEM(updated("SET d = :one - :tenth, e = :tenth - :one, f = :tenth + :tenth", "{}"),
              R"({"d":{"N":"0.9"},"e":{"N":"-0.9"},"f":{"N":"0.2"}})");
  EXPECT_ITEM(updated("SET n = n - :one", R"({"n":{"N":"1"}})"), R"({"n":{"N":"0"}})");
  EXPECT_ITEM(updated("ADD n :tenth", R"({"n":{"N":"1e-5"}})"), R"({"n":{"N":"0.10001"}})");
  EXPECT_ITEM(updated("SET n = :big + :one", "{}"), R"({"n":{"N":"1e38"}})");
  // 38 nines and a tenth need 39 digits.
  EXPECT_EQ(update_refusal("SET n = :big + :tenth", "{}"),
            "Number overflow. Attempting to store a number with magnitude larger than supported range");
  EXPECT_EQ(update_refusal("ADD n :tenth", R"({"n":{"N":"99999999999999999999999999999999999999"}})"),
            "Number overflow. Attempting to store a number with magnitude larger than supported range");
}

TEST(DynamoExpressionUpdate, IfNotExists) {
  EXPECT_ITEM(updated("SET a = if_not_exists(a, :v)", "{}"), R"({"a":{"S":"v"}})");
  EXPECT_ITEM(updated("SET a = if_not_exists(a, :v)", R"({"a":{"N":"2"}})"), R"({"a":{"N":"2"}})");
  // The first operand's value when it exists, even for another attribute.
  EXPECT_ITEM(updated("SET b = if_not_exists(a, :v)", R"({"a":{"N":"2"},"b":{"N":"5"}})"), R"({"a":{"N":"2"},"b":{"N":"2"}})");
  EXPECT_ITEM(updated("SET b = if_not_exists(m.x, :v)", R"({"m":{"M":{}}})"), R"({"b":{"S":"v"},"m":{"M":{}}})");
  EXPECT_ITEM(updated("SET n = if_not_exists(n, :zero) + :one", "{}"), R"({"n":{"N":"1"}})");
  EXPECT_ITEM(updated("SET n = if_not_exists(n, :zero) + :one", R"({"n":{"N":"41"}})"), R"({"n":{"N":"42"}})");
  EXPECT_ITEM(updated("SET a = if_not_exists(b, c)", R"({"c":{"S":"C"}})"), R"({"a":{"S":"C"},"c":{"S":"C"}})");
  EXPECT_EQ(update_refusal("SET a = if_not_exists(b, c)", "{}"), kNoSuchAttribute);
}

TEST(DynamoExpressionUpdate, ListAppend) {
  const char* item = R"({"l":{"L":[{"S":"a"}]},"s":{"S":"str"},"ns":{"NS":["1"]}})";
  EXPECT_ITEM(updated("SET l = list_append(l, :l)", item),
              R"({"l":{"L":[{"S":"a"},{"S":"x"},{"S":"y"}]},"s":{"S":"str"},"ns":{"NS":["1"]}})");
  EXPECT_ITEM(updated("SET l = list_append(:l, l)", item),
              R"({"l":{"L":[{"S":"x"},{"S":"y"},{"S":"a"}]},"s":{"S":"str"},"ns":{"NS":["1"]}})");
  EXPECT_ITEM(updated("SET c = list_append(l, l)", R"({"l":{"L":[{"N":"1"}]}})"), R"({"c":{"L":[{"N":"1"},{"N":"1"}]},"l":{"L":[{"N":"1"}]}})");
  EXPECT_ITEM(updated("SET l = list_append(if_not_exists(l, :empty), :l)", "{}"), R"({"l":{"L":[{"S":"x"},{"S":"y"}]}})");
  EXPECT_EQ(update_refusal("SET l = list_append(absent, :l)", item), kNoSuchAttribute);
  EXPECT_EQ(update_refusal("SET l = list_append(:l, absent)", item), kNoSuchAttribute);
  EXPECT_EQ(update_refusal("SET l = list_append(s, :l)", item), kWrongType);
  EXPECT_EQ(update_refusal("SET l = list_append(:l, ns)", item), kWrongType);
}

TEST(DynamoExpressionUpdate, Remove) {
  const char* item = R"({"a":{"S":"A"},"m":{"M":{"k":{"S":"v"},"j":{"S":"w"}}},"l":{"L":[{"S":"x"},{"S":"y"}]},"keep":{"N":"1"}})";
  EXPECT_ITEM(updated("REMOVE a, m.k, l[0]", item), R"({"m":{"M":{"j":{"S":"w"}}},"l":{"L":[{"S":"y"}]},"keep":{"N":"1"}})");
  // Removing what is not there changes nothing, as long as the path leads somewhere.
  EXPECT_ITEM(updated("REMOVE absent, m.nope, l[17]", item), item);
  // The last member or element leaves an empty map or list behind.
  EXPECT_ITEM(updated("REMOVE a.b", R"({"a":{"M":{"b":{"N":"1"}}}})"), R"({"a":{"M":{}}})");
  EXPECT_ITEM(updated("REMOVE a[0]", R"({"a":{"L":[{"N":"1"}]}})"), R"({"a":{"L":[]}})");
  EXPECT_ITEM(updated("REMOVE a.c[1].x.y[1], a.c[1].q",
                      R"({"a":{"M":{"b":{"N":"3"},"c":{"L":[{"S":"hi"},{"M":{"x":{"M":{"y":{"L":[{"N":"3"},{"N":"5"},{"N":"7"}]}}},"q":{"N":"2"}}}]}}}})"),
              R"({"a":{"M":{"b":{"N":"3"},"c":{"L":[{"S":"hi"},{"M":{"x":{"M":{"y":{"L":[{"N":"3"},{"N":"7"}]}}}}}]}}}})");
  // A nested path refused on an item without its parent passes when there is no item.
  EXPECT_EQ(update_refusal("REMOVE x.y", R"({"pk":{"S":"k"}})"), kInvalidPath);
  EXPECT_EQ(update_refusal("REMOVE x[0]", R"({"pk":{"S":"k"}})"), kInvalidPath);
  EXPECT_ITEM(apply_update(update("REMOVE x.y, w[0], z", kUpdateValues), item_of(R"({"pk":{"S":"k"}})"), false), R"({"pk":{"S":"k"}})");
}

TEST(DynamoExpressionUpdate, ListIndexesNameTheOriginalPositions) {
  const char* six = R"({"l":{"L":[{"N":"0"},{"N":"1"},{"N":"2"},{"N":"3"},{"N":"4"},{"N":"5"}]}})";
  EXPECT_ITEM(updated("REMOVE l[1], l[3], l[4]", six), R"({"l":{"L":[{"N":"0"},{"N":"2"},{"N":"5"}]}})");
  EXPECT_ITEM(updated("REMOVE l[4], l[1], l[3]", six), R"({"l":{"L":[{"N":"0"},{"N":"2"},{"N":"5"}]}})");
  EXPECT_ITEM(updated("REMOVE l[0], l[5], l[9]", six), R"({"l":{"L":[{"N":"1"},{"N":"2"},{"N":"3"},{"N":"4"}]}})");
  // A SET of another index refers to the position before the removal, whatever the order.
  const char* item = R"({"a":{"L":[{"N":"2"},{"N":"3"},{"N":"4"},{"N":"5"},{"N":"6"},{"N":"7"}]}})";
  const char* expected = R"({"a":{"L":[{"N":"2"},{"N":"4"},{"N":"17"},{"N":"6"},{"N":"7"}]}})";
  const char* seventeen = R"({"ExpressionAttributeValues":{":val":{"N":"17"}}})";
  EXPECT_ITEM(updated("REMOVE a[1] SET a[3] = :val", item, seventeen), expected);
  EXPECT_ITEM(updated("SET a[3] = :val REMOVE a[1]", item, seventeen), expected);
}

TEST(DynamoExpressionUpdate, AddNumbersAndSets) {
  EXPECT_ITEM(updated("ADD n :one", R"({"n":{"N":"3"}})"), R"({"n":{"N":"4"}})");
  EXPECT_ITEM(updated("ADD n :one", "{}"), R"({"n":{"N":"1"}})");
  EXPECT_ITEM(updated("ADD m.tally :one", R"({"m":{"M":{}}})"), R"({"m":{"M":{"tally":{"N":"1"}}}})");
  EXPECT_ITEM(updated("ADD s :ss", R"({"s":{"SS":["a","b"]}})"), R"({"s":{"SS":["a","b","c"]}})");
  EXPECT_ITEM(updated("ADD s :ns", R"({"s":{"NS":["1","2.0"]}})"), R"({"s":{"NS":["1","2","3"]}})");
  EXPECT_ITEM(updated("ADD s :bs", R"({"s":{"BS":["AQ==","Ag=="]}})"), R"({"s":{"BS":["AQ==","Ag=="]}})");
  EXPECT_ITEM(updated("ADD s :bs", R"({"s":{"BS":["AQ=="]}})"), R"({"s":{"BS":["AQ==","Ag=="]}})");
  EXPECT_ITEM(updated("ADD s :ss", "{}"), R"({"s":{"SS":["b","c"]}})");
  // The union has no duplicates.
  Item result = updated("ADD s :ss", R"({"s":{"SS":["c","b","a"]}})");
  EXPECT_EQ(result.at("s").as_strings().size(), 3u);
}

TEST(DynamoExpressionUpdate, DeleteFromSets) {
  EXPECT_ITEM(updated("DELETE s :ss", R"({"s":{"SS":["a","b","c"]}})"), R"({"s":{"SS":["a"]}})");
  EXPECT_ITEM(updated("DELETE s :ns", R"({"s":{"NS":["1","2","3.0"]}})"), R"({"s":{"NS":["1"]}})");
  EXPECT_ITEM(updated("DELETE s :bs", R"({"s":{"BS":["AQ==","Ag=="]}})"), R"({"s":{"BS":["AQ=="]}})");
  // Members not in the set are ignored; so is a set that is not there.
  EXPECT_ITEM(updated("DELETE s :ssa", R"({"s":{"SS":["b"]}})"), R"({"s":{"SS":["b"]}})");
  EXPECT_ITEM(updated("DELETE s :ss", R"({"x":{"N":"1"}})"), R"({"x":{"N":"1"}})");
  EXPECT_ITEM(updated("DELETE m.s :ss", R"({"m":{"M":{}}})"), R"({"m":{"M":{}}})");
  // A set cannot be empty: taking out every member removes the attribute.
  EXPECT_ITEM(updated("DELETE s :ss", R"({"s":{"SS":["b","c"]},"x":{"N":"1"}})"), R"({"x":{"N":"1"}})");
  EXPECT_ITEM(updated("DELETE s :ns", R"({"s":{"NS":["3"]}})"), "{}");
  EXPECT_ITEM(updated("DELETE m.s :ss", R"({"m":{"M":{"s":{"SS":["c"]},"k":{"S":"v"}}}})"), R"({"m":{"M":{"k":{"S":"v"}}}})");
}

TEST(DynamoExpressionUpdate, PathsThatLeadNowhereAreInvalid) {
  const char* item = R"({"a":{"S":"hello"},"b":{"L":[{"S":"hi"}]},"m":{"M":{"k":{"S":"v"}}}})";
  for (const char* text : {"SET a.c = :v", "SET b.c = :v", "SET c.c = :v", "SET a[0] = :v", "SET c[0] = :v", "SET m[0] = :v",
                           "SET m.x.y = :v", "SET b[5].x = :v", "REMOVE a.c", "REMOVE b.c", "REMOVE c.c", "REMOVE a[0]",
                           "REMOVE c[0]", "REMOVE m[0]", "REMOVE m.x.y", "ADD a.b :one", "ADD y.a :one", "ADD b.x :one",
                           "ADD m[1] :one"})
    EXPECT_EQ(update_refusal(text, item), kInvalidPath) << text;
  // The same on no item.
  EXPECT_EQ(update_refusal("SET c.c = :v", "{}"), kInvalidPath);
  EXPECT_EQ(update_refusal("SET b[0] = :v", "{}"), kInvalidPath);
}

// DELETE through a path whose parent is missing or of the wrong type is refused like
// SET, REMOVE and ADD are
// (dynalite's updateItem.js "should return ValidationException if trying to update
// non-existent nested attribute in existing item": 'delete b.a', 'delete y.a',
// 'delete c[1]', 'delete d.#1' all answer "The document path provided in the update
// expression is invalid for update").
TEST(DynamoExpressionUpdate, DeleteThroughAPathThatLeadsNowhereIsInvalid) {
  const char* item = R"({"a":{"S":"hello"},"b":{"L":[{"S":"hi"}]},"m":{"M":{"k":{"S":"v"}}}})";
  for (const char* text : {"DELETE a.x :ss", "DELETE y.a :ss", "DELETE m[1] :ss", "DELETE b.x :ss", "DELETE y[1] :ss"})
    EXPECT_EQ(update_refusal(text, item), kInvalidPath) << text << " (DynamoDB refuses this; the item must not be changed)";
}

TEST(DynamoExpressionUpdate, OperandsOfTheWrongTypeInTheItem) {
  const char* item = R"({"s":{"S":"str"},"n":{"N":"1"},"ss":{"SS":["a"]},"ns":{"NS":["1"]},"l":{"L":[]},"m":{"M":{"a":{"SS":["1"]}}}})";
  for (const char* text : {"ADD s :one", "ADD ns :one", "ADD n :ss", "ADD ss :ns", "ADD l :ss", "DELETE ss :ns", "DELETE n :ns",
                           "DELETE m :ns", "DELETE m.a :ns", "DELETE m.a :bs", "SET x = s + :one", "SET x = :one - s",
                           "SET x = ss - :one", "SET x = list_append(s, :l)", "SET x = list_append(ns, if_not_exists(f, :empty))"})
    EXPECT_EQ(update_refusal(text, item), kWrongType) << text;
}

TEST(DynamoExpressionUpdate, OperandsMissingFromTheItem) {
  const char* item = R"({"a":{"S":"A"},"m":{"M":{}}})";
  for (const char* text : {"SET c = b", "SET e = list_append(b, c)", "SET x = absent + :one", "SET x = :one - m.x",
                           "SET x = if_not_exists(q, absent)"})
    EXPECT_EQ(update_refusal(text, item), kNoSuchAttribute) << text;
  EXPECT_EQ(update_refusal("SET c = b", "{}"), kNoSuchAttribute);
}

// Parentheses may group SET operands. DynamoDB accepts them: dynalite's updateItem.js ("should update nested
// attributes") runs 'set b.c=((c[1])+(b.a)), ...' successfully, and moto models the
// same grammar (UpdateExpressionGroupedValue).
TEST(DynamoExpressionUpdate, ParenthesesMayGroupSetOperands) {
  const char* item = R"({"b":{"M":{"a":{"N":"1"},"c":{"N":"3"}}},"c":{"L":[{"N":"1"},{"N":"3"}]}})";
  std::string message = refusal_of([&] { update("SET b.c = ((c[1])+(b.a))", kUpdateValues); });
  ASSERT_EQ(message, "accepted") << "DynamoDB accepts parentheses around SET operands";
  EXPECT_ITEM(updated("SET b.c = ((c[1])+(b.a))", item), R"({"b":{"M":{"a":{"N":"1"},"c":{"N":"4"}}},"c":{"L":[{"N":"1"},{"N":"3"}]}})");
}

// -- project ----------------------------------------------------------------------------

const char* const kProjected = R"({
  "a":{"M":{"b":{"N":"1"},"c":{"M":{"d":{"S":"x"},"e":{"S":"y"}}},"f":{"S":"z"}}},
  "l":{"L":[{"S":"l0"},{"M":{"k":{"S":"v"},"j":{"S":"w"}}},{"S":"l2"},{"S":"l3"},{"L":[{"S":"n0"},{"S":"n1"}]}]},
  "top":{"S":"t"}})";

Item projected(std::string_view text, const char* request = "{}") { return project(item_of(kProjected), projection(text, request)); }

TEST(DynamoExpressionProject, NestedMembers) {
  EXPECT_ITEM(projected("a.b, a.c.d"), R"({"a":{"M":{"b":{"N":"1"},"c":{"M":{"d":{"S":"x"}}}}}})");
  EXPECT_ITEM(projected("top, a.f"), R"({"a":{"M":{"f":{"S":"z"}}},"top":{"S":"t"}})");
  EXPECT_ITEM(projected("a"), R"({"a":{"M":{"b":{"N":"1"},"c":{"M":{"d":{"S":"x"},"e":{"S":"y"}}},"f":{"S":"z"}}}})");
  EXPECT_ITEM(projected("#a.#c", R"({"ExpressionAttributeNames":{"#a":"a","#c":"c"}})"),
              R"({"a":{"M":{"c":{"M":{"d":{"S":"x"},"e":{"S":"y"}}}}}})");
}

TEST(DynamoExpressionProject, ListElementsCloseUpInIndexOrder) {
  EXPECT_ITEM(projected("l[3], l[0]"), R"({"l":{"L":[{"S":"l0"},{"S":"l3"}]}})");
  EXPECT_ITEM(projected("l[2], l[1].k"), R"({"l":{"L":[{"M":{"k":{"S":"v"}}},{"S":"l2"}]}})");
  EXPECT_ITEM(projected("l[4][1], l[0]"), R"({"l":{"L":[{"S":"l0"},{"L":[{"S":"n1"}]}]}})");
  EXPECT_ITEM(projected("l[9], l[2]"), R"({"l":{"L":[{"S":"l2"}]}})");
}

TEST(DynamoExpressionProject, MissingPathsAreLeftOut) {
  EXPECT_ITEM(projected("nope, a.nope, l[9], top.x, l[1].zz, l[0].k"), "{}");
  EXPECT_ITEM(projected("a[0], l.k, top[1]"), "{}");  // an index into a map, a member of a list
  EXPECT_ITEM(projected("top, nope, a.c.zz"), R"({"top":{"S":"t"}})");
  EXPECT_ITEM(projected("a.c.zz, a.b"), R"({"a":{"M":{"b":{"N":"1"}}}})");
  EXPECT_ITEM(project(Item{}, projection("a, b.c")), "{}");
}

// -- key bytes and ranges ---------------------------------------------------------------

std::string number_key(const char* n) { return AttributeValue::number(Number::parse(n)).key_bytes(); }

TEST(DynamoExpressionKeyBytes, NumbersSortNumerically) {
  const std::vector<const char*> ascending = {
      "-9.9999999999999999999999999999999999999E+125", "-1e10", "-150", "-100", "-10", "-9.5", "-2", "-1.5", "-1.234",
      "-1.23", "-1.2", "-1", "-0.5", "-0.001", "-1e-130", "0", "1e-130", "0.001", "0.0011", "0.5", "1", "1.2", "1.23",
      "1.234", "1.3", "2", "9.99", "10", "99", "100", "150", "1e10", "12345678901234567890123456789012345678",
      "9.9999999999999999999999999999999999999E+125"};
  for (std::size_t i = 0; i + 1 < ascending.size(); ++i)
    EXPECT_LT(number_key(ascending[i]), number_key(ascending[i + 1])) << ascending[i] << " < " << ascending[i + 1];
  // Equal values have equal keys, however they are spelled.
  EXPECT_EQ(number_key("1"), number_key("1.000"));
  EXPECT_EQ(number_key("100"), number_key("1e2"));
  EXPECT_EQ(number_key("0"), number_key("-0"));
  EXPECT_EQ(number_key("0"), number_key("0.0e5"));
  EXPECT_EQ(number_key("-0.10"), number_key("-1E-1"));
}

TEST(DynamoExpressionKeyBytes, StringsAndBinariesSortByUnsignedBytes) {
  const std::vector<const char*> strings = {"A", "B", "Z", "a", "ab", "abc", "b", "z", "~", "é", "中"};
  for (std::size_t i = 0; i + 1 < strings.size(); ++i) {
    std::string low = std::string(R"({"S":")") + strings[i] + "\"}", high = std::string(R"({"S":")") + strings[i + 1] + "\"}";
    EXPECT_LT(av(low.c_str()).key_bytes(), av(high.c_str()).key_bytes()) << strings[i] << " < " << strings[i + 1];
  }
  // 00, 01, 01 00, 7f, 80, ff
  const std::vector<const char*> binaries = {"AA==", "AQ==", "AQA=", "fw==", "gA==", "/w=="};
  for (std::size_t i = 0; i + 1 < binaries.size(); ++i) {
    std::string low = std::string(R"({"B":")") + binaries[i] + "\"}", high = std::string(R"({"B":")") + binaries[i + 1] + "\"}";
    EXPECT_LT(av(low.c_str()).key_bytes(), av(high.c_str()).key_bytes()) << binaries[i] << " < " << binaries[i + 1];
  }
  EXPECT_EQ(av(R"({"B":"YWJj"})").key_bytes(), "abc");
  EXPECT_EQ(av(R"({"S":"abc"})").key_bytes(), "abc");
}

using Store = std::map<ItemKey, std::string>;

// The entries of `range_after` in order (or in reverse) until `visit` returns false,
// as the stores walk their uncommitted writes.
template <typename Entries, typename Bound, typename Key, typename Visit>
void visit_range(const Entries& entries, const std::string& partition, const SortRange& range, bool forward,
                 const std::optional<Key>& after, Bound bound, Visit visit) {
  auto [first, last] = range_after(entries, partition, range, forward, after, bound);
  if (forward) {
    for (auto it = first; it != last; ++it)
      if (!visit(*it)) return;
  } else {
    for (auto it = last; it != first;)
      if (!visit(*--it)) return;
  }
}

ItemKey bound(const std::string& partition, const std::string& sort) { return ItemKey{partition, sort}; }

std::vector<std::string> visited(const Store& store, const std::string& partition, const SortRange& range, bool forward = true,
                                 const std::optional<ItemKey>& after = std::nullopt, std::size_t limit = 100) {
  std::vector<std::string> out;
  visit_range(store, partition, range, forward, after, bound, [&](const auto& entry) {
    out.push_back(entry.second);
    return out.size() < limit;
  });
  return out;
}

std::vector<std::string> reversed(std::vector<std::string> v) { return {v.rbegin(), v.rend()}; }

// Partition "p" holds sort keys 1, 2, 3, 3.5, 4, 5 and -1; its neighbours hold others.
Store numbered_store() {
  Store store;
  for (const char* n : {"1", "2", "3", "3.5", "4", "5", "-1"}) store[{"p", number_key(n)}] = std::string("p") + n;
  for (const char* n : {"0", "9"}) {
    store[{"o", number_key(n)}] = std::string("o") + n;
    store[{"q", number_key(n)}] = std::string("q") + n;
  }
  store[{std::string("p\0", 2), number_key("0")}] = "p-nul";
  return store;
}

SortRange range(std::optional<const char*> low, bool low_inclusive, std::optional<const char*> high, bool high_inclusive) {
  SortRange r;
  if (low) r.low = number_key(*low);
  if (high) r.high = number_key(*high);
  r.low_inclusive = low_inclusive;
  r.high_inclusive = high_inclusive;
  return r;
}

const std::vector<std::string> kAllOfP = {"p-1", "p1", "p2", "p3", "p3.5", "p4", "p5"};

TEST(DynamoExpressionKeyRange, AWholePartitionInOrderAndReversed) {
  Store store = numbered_store();
  EXPECT_EQ(visited(store, "p", SortRange{}), kAllOfP);
  EXPECT_EQ(visited(store, "p", SortRange{}, false), reversed(kAllOfP));
  EXPECT_EQ(visited(store, "o", SortRange{}), (std::vector<std::string>{"o0", "o9"}));
  EXPECT_EQ(visited(store, "q", SortRange{}, false), (std::vector<std::string>{"q9", "q0"}));
  EXPECT_TRUE(visited(store, "n", SortRange{}).empty());
  EXPECT_TRUE(visited(store, "r", SortRange{}, false).empty());
}

TEST(DynamoExpressionKeyRange, InclusiveAndExclusiveBounds) {
  Store store = numbered_store();
  EXPECT_EQ(visited(store, "p", range("2", true, "4", true)), (std::vector<std::string>{"p2", "p3", "p3.5", "p4"}));
  EXPECT_EQ(visited(store, "p", range("2", false, "4", true)), (std::vector<std::string>{"p3", "p3.5", "p4"}));
  EXPECT_EQ(visited(store, "p", range("2", true, "4", false)), (std::vector<std::string>{"p2", "p3", "p3.5"}));
  EXPECT_EQ(visited(store, "p", range("2", false, "4", false)), (std::vector<std::string>{"p3", "p3.5"}));
  EXPECT_EQ(visited(store, "p", range("3", false, "4", false)), (std::vector<std::string>{"p3.5"}));
  // Equality is a range from a key to itself.
  EXPECT_EQ(visited(store, "p", range("3", true, "3", true)), (std::vector<std::string>{"p3"}));
  EXPECT_EQ(visited(store, "p", range("3.0", true, "3.00", true), false), (std::vector<std::string>{"p3"}));
  // One-sided ranges (>, >=, <, <=) stay inside the partition.
  EXPECT_EQ(visited(store, "p", range("3.5", true, std::nullopt, true)), (std::vector<std::string>{"p3.5", "p4", "p5"}));
  EXPECT_EQ(visited(store, "p", range("3.5", false, std::nullopt, true)), (std::vector<std::string>{"p4", "p5"}));
  EXPECT_EQ(visited(store, "p", range(std::nullopt, true, "1", true)), (std::vector<std::string>{"p-1", "p1"}));
  EXPECT_EQ(visited(store, "p", range(std::nullopt, true, "1", false)), (std::vector<std::string>{"p-1"}));
  EXPECT_EQ(visited(store, "p", range("-100", true, "100", true)), kAllOfP);
  // Bounds that fall between keys.
  EXPECT_EQ(visited(store, "p", range("0", true, "2.5", true)), (std::vector<std::string>{"p1", "p2"}));
  EXPECT_EQ(visited(store, "p", range("0", false, "2.5", false), false), (std::vector<std::string>{"p2", "p1"}));
  // Reversed ranges visit the same entries backwards.
  EXPECT_EQ(visited(store, "p", range("2", false, "4", true), false), (std::vector<std::string>{"p4", "p3.5", "p3"}));
  EXPECT_EQ(visited(store, "p", range(std::nullopt, true, "3", false), false), (std::vector<std::string>{"p2", "p1", "p-1"}));
}

TEST(DynamoExpressionKeyRange, BeginsWithRanges) {
  Store store;
  for (const char* s : {"a", "ab", "abc", "abd", "ab\xff", "ac", "b"}) store[{"p", s}] = s;
  for (const char* s : {"\xff", "\xff\x01", "\xff\xff"}) store[{"p", s}] = std::string("ff") + std::to_string(std::string(s).size());
  store[{"q", "ab"}] = "q-ab";
  store[{"q", "\xff"}] = "q-ff";
  // begins_with(sk, "ab") is [ab, ac).
  SortRange ab;
  ab.low = "ab";
  ab.high = "ac";
  ab.high_inclusive = false;
  EXPECT_EQ(visited(store, "p", ab), (std::vector<std::string>{"ab", "abc", "abd", "ab\xff"}));
  EXPECT_EQ(visited(store, "p", ab, false), (std::vector<std::string>{"ab\xff", "abd", "abc", "ab"}));
  // A prefix of 0xFF bytes has no upper bound: the range runs to the partition's end.
  SortRange ff;
  ff.low = "\xff";
  EXPECT_EQ(visited(store, "p", ff), (std::vector<std::string>{"ff1", "ff2", "ff2"}));
  EXPECT_EQ(visited(store, "p", ff, false).size(), 3u);
  EXPECT_EQ(visited(store, "q", ff), (std::vector<std::string>{"q-ff"}));
}

TEST(DynamoExpressionKeyRange, ExclusiveStartKeys) {
  Store store = numbered_store();
  auto after = [](const char* n) { return std::optional<ItemKey>(ItemKey{"p", number_key(n)}); };
  SortRange all;
  // Forward: the entries after the start key.
  EXPECT_EQ(visited(store, "p", all, true, after("2")), (std::vector<std::string>{"p3", "p3.5", "p4", "p5"}));
  EXPECT_EQ(visited(store, "p", all, true, after("5")), std::vector<std::string>{});
  EXPECT_EQ(visited(store, "p", range("2", true, "4", true), true, after("3")), (std::vector<std::string>{"p3.5", "p4"}));
  // A start key below the range starts at the range; one above it leaves nothing.
  EXPECT_EQ(visited(store, "p", range("2", true, "4", true), true, after("1")), (std::vector<std::string>{"p2", "p3", "p3.5", "p4"}));
  EXPECT_EQ(visited(store, "p", range("2", true, "4", true), true, after("4")), std::vector<std::string>{});
  EXPECT_EQ(visited(store, "p", range("2", true, "4", true), true, after("9")), std::vector<std::string>{});
  // A start key between entries.
  EXPECT_EQ(visited(store, "p", all, true, after("3.25")), (std::vector<std::string>{"p3.5", "p4", "p5"}));
  // Backward: the entries before the start key.
  EXPECT_EQ(visited(store, "p", all, false, after("3.5")), (std::vector<std::string>{"p3", "p2", "p1", "p-1"}));
  EXPECT_EQ(visited(store, "p", all, false, after("-1")), std::vector<std::string>{});
  EXPECT_EQ(visited(store, "p", range("2", true, "4", true), false, after("9")), (std::vector<std::string>{"p4", "p3.5", "p3", "p2"}));
  EXPECT_EQ(visited(store, "p", range("2", true, "4", true), false, after("2")), std::vector<std::string>{});
  EXPECT_EQ(visited(store, "p", range("2", true, "4", true), false, after("0")), std::vector<std::string>{});
  EXPECT_EQ(visited(store, "p", range("2", false, "4", false), false, after("3.25")), (std::vector<std::string>{"p3"}));
  // Pages: a limit, then the last key seen as the next start.
  auto first = visited(store, "p", all, true, std::nullopt, 3);
  EXPECT_EQ(first, (std::vector<std::string>{"p-1", "p1", "p2"}));
  EXPECT_EQ(visited(store, "p", all, true, after("2"), 3), (std::vector<std::string>{"p3", "p3.5", "p4"}));
  EXPECT_EQ(visited(store, "p", all, false, std::nullopt, 2), (std::vector<std::string>{"p5", "p4"}));
  EXPECT_EQ(visited(store, "p", all, false, after("4"), 2), (std::vector<std::string>{"p3.5", "p3"}));
}

TEST(DynamoExpressionKeyRange, ALowBoundAboveTheHighBoundIsEmpty) {
  Store store = numbered_store();
  for (bool forward : {true, false}) {
    SCOPED_TRACE(forward ? "forward" : "backward");
    EXPECT_TRUE(visited(store, "p", range("4", true, "2", true), forward).empty());
    EXPECT_TRUE(visited(store, "p", range("3", false, "3", true), forward).empty());
    EXPECT_TRUE(visited(store, "p", range("3", true, "3", false), forward).empty());
    EXPECT_TRUE(visited(store, "p", range("2.5", true, "2.7", true), forward).empty());  // nothing between
    EXPECT_TRUE(visited(store, "p", range("50", true, "40", true), forward).empty());  // both past the partition's end
    EXPECT_TRUE(visited(store, "q", range("50", true, "40", true), forward).empty());  // ... of the last partition
    EXPECT_TRUE(visited(store, "p", range("4", true, "2", true), forward, ItemKey{"p", number_key("3")}).empty());
    auto [first, last] = partition_range(store, "p", range("4", true, "2", true), bound);
    EXPECT_TRUE(first == last);
  }
  Store empty;
  EXPECT_TRUE(visited(empty, "p", SortRange{}).empty());
  EXPECT_TRUE(visited(empty, "p", range("1", true, "2", true), false).empty());
}

// Index entries with equal index keys are ordered by table key; a start key for an
// index names one of them.
TEST(DynamoExpressionKeyRange, IndexEntriesWithEqualKeysAndExclusiveStartKeys) {
  std::set<IndexKey> entries;
  auto entry = [](const char* sort, const char* table) { return IndexKey{"g", number_key(sort), ItemKey{table, ""}}; };
  for (const char* table : {"t1", "t2", "t3"}) entries.insert(entry("5", table));
  entries.insert(entry("4", "t9"));
  entries.insert(entry("6", "t0"));
  entries.insert(IndexKey{"h", number_key("5"), ItemKey{"t1", ""}});
  auto index_bound = [](const std::string& p, const std::string& s) { return IndexKey{p, s, {}}; };
  auto walk = [&](const SortRange& r, bool forward, std::optional<IndexKey> after) {
    std::vector<std::string> out;
    visit_range(entries, "g", r, forward, after, index_bound, [&](const IndexKey& k) {
      out.push_back(k.table.partition);
      return true;
    });
    return out;
  };
  SortRange five = range("5", true, "5", true);
  EXPECT_EQ(walk(five, true, std::nullopt), (std::vector<std::string>{"t1", "t2", "t3"}));
  EXPECT_EQ(walk(five, false, std::nullopt), (std::vector<std::string>{"t3", "t2", "t1"}));
  EXPECT_EQ(walk(five, true, entry("5", "t1")), (std::vector<std::string>{"t2", "t3"}));
  EXPECT_EQ(walk(five, false, entry("5", "t3")), (std::vector<std::string>{"t2", "t1"}));
  EXPECT_EQ(walk(SortRange{}, true, entry("5", "t2")), (std::vector<std::string>{"t3", "t0"}));
  EXPECT_EQ(walk(SortRange{}, false, entry("5", "t2")), (std::vector<std::string>{"t1", "t9"}));
  EXPECT_EQ(walk(range("5", false, std::nullopt, true), true, std::nullopt), (std::vector<std::string>{"t0"}));
  EXPECT_EQ(walk(range(std::nullopt, true, "5", false), false, std::nullopt), (std::vector<std::string>{"t9"}));
}

}  // namespace
}  // namespace stratus::dynamodb
