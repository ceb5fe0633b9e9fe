// The PartiQL subset DynamoDB accepts, read by recursive descent over tokens.
//
// Syntax errors carry the detail texts DynamoDB gives ("Unexpected term", "Unexpected
// token after expression", ...); text the lexer cannot read (an unterminated quote or
// comment, a stray character, a number whose exponent or scale does not fit 32 bits)
// gets an empty detail, as in DynamoDB. Words of SQL-92 and PartiQL are reserved: an
// attribute named like one must be double-quoted.
//
// Condition precedence, loosest first: OR, AND, NOT, then comparisons, BETWEEN, IN, IS
// and the functions; parentheses group.
#include "services/dynamodb/partiql_parser.hpp"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <limits>

#include "services/dynamodb/errors.hpp"
#include "services/dynamodb/operand_checks.hpp"

namespace stratus::dynamodb::partiql {
namespace {

// Values nest as deep as DynamoDB's items; conditions are capped so that a statement of
// nothing but parentheses cannot exhaust the stack.
constexpr int kMaxValueDepth = 32;
constexpr int kMaxConditionDepth = 128;

[[noreturn]] void malformed(const std::string& detail) {
  throw validation("Statement wasn't well formed, can't be processed: " + detail);
}

unsigned char uc(char c) { return static_cast<unsigned char>(c); }

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(uc(c)));
  return out;
}

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(uc(c)));
  return out;
}

// SQL-92's reserved words and PartiQL's additions.
bool is_keyword(std::string_view word) {
  static constexpr std::string_view kKeywords[] = {
      "absolute", "action", "add", "all", "allocate", "alter", "and", "any", "are", "as", "asc", "assertion", "at",
      "authorization", "avg", "bag", "begin", "between", "bigint", "bit", "bit_length", "blob", "bool", "boolean",
      "by", "can_cast", "can_lossless_cast", "cascade", "cascaded", "case", "cast", "catalog", "char", "char_length",
      "character", "character_length", "check", "clob", "close", "coalesce", "collate", "collation", "column",
      "commit", "conflict", "connect", "connection", "constraint", "constraints", "continue", "convert",
      "corresponding", "count", "create", "cross", "current", "current_date", "current_time", "current_timestamp",
      "current_user", "cursor", "date", "date_add", "date_diff", "deallocate", "dec", "decimal", "declare", "default",
      "deferrable", "deferred", "delete", "desc", "describe", "descriptor", "diagnostics", "disconnect", "distinct",
      "do", "domain", "double", "drop", "else", "end", "escape", "except", "exception", "exec", "execute", "exists",
      "external", "extract", "false", "fetch", "first", "float", "for", "foreign", "found", "from", "full", "get",
      "global", "go", "goto", "grant", "group", "having", "identity", "immediate", "in", "index", "indicator",
      "initially", "inner", "input", "insensitive", "insert", "int", "int2", "int4", "int8", "integer", "integer2",
      "integer4", "integer8", "intersect", "interval", "into", "is", "isolation", "join", "key", "language", "last",
      "left", "let", "level", "like", "limit", "list", "local", "lower", "match", "max", "min", "missing", "modified",
      "module", "names", "national", "natural", "nchar", "new", "next", "no", "not", "nothing", "null", "nullif",
      "numeric", "octet_length", "of", "offset", "old", "on", "only", "open", "option", "or", "order", "outer",
      "output", "overlaps", "pad", "partial", "pivot", "position", "precision", "prepare", "preserve", "primary",
      "prior", "privileges", "procedure", "public", "read", "real", "references", "relative", "remove", "restrict",
      "returning", "revoke", "right", "rollback", "rows", "schema", "scroll", "section", "select", "session",
      "session_user", "set", "sexp", "size", "smallint", "some", "space", "sql", "sqlcode", "sqlerror", "sqlstate",
      "string", "struct", "substring", "sum", "symbol", "system_user", "table", "temporary", "then", "time",
      "timestamp", "to", "transaction", "translate", "translation", "trim", "true", "tuple", "union", "unique",
      "unknown", "unpivot", "update", "upper", "usage", "user", "using", "value", "values", "varchar", "varying",
      "view", "when", "whenever", "where", "with", "work", "write", "zone"};
  static_assert(std::is_sorted(std::begin(kKeywords), std::end(kKeywords)));
  std::string key = lower(word);
  return std::binary_search(std::begin(kKeywords), std::end(kKeywords), std::string_view(key));
}

// -- tokens ---------------------------------------------------------------------------

struct Token {
  enum class Kind { Word, Quoted, String, Number, Parameter, Symbol, End };
  Kind kind;
  std::string text;  // a Word as written, a Quoted name or a String unescaped, a Symbol
};

bool word_start(char c) { return std::isalpha(uc(c)) || c == '_' || c == '$'; }
bool word_char(char c) { return std::isalnum(uc(c)) || c == '_' || c == '$'; }

class Lexer {
 public:
  explicit Lexer(std::string_view text) : text_(text) {}

  std::vector<Token> tokens() {
    std::vector<Token> out;
    for (skip_blanks(); i_ < text_.size(); skip_blanks()) out.push_back(token());
    out.push_back({Token::Kind::End, ""});
    return out;
  }

 private:
  bool at(std::string_view s) const { return text_.substr(i_, s.size()) == s; }

  // Spaces and comments (-- to the end of the line, /* ... */).
  void skip_blanks() {
    while (i_ < text_.size()) {
      if (std::isspace(uc(text_[i_]))) {
        ++i_;
      } else if (at("--")) {
        i_ = std::min(text_.find('\n', i_), text_.size());
      } else if (at("/*")) {
        std::size_t end = text_.find("*/", i_ + 2);
        if (end == std::string_view::npos) malformed("");
        i_ = end + 2;
      } else {
        return;
      }
    }
  }

  Token token() {
    char c = text_[i_];
    if (word_start(c)) {
      std::size_t begin = i_;
      while (i_ < text_.size() && word_char(text_[i_])) ++i_;
      return {Token::Kind::Word, std::string(text_.substr(begin, i_ - begin))};
    }
    if (c == '"' || c == '\'') return {c == '"' ? Token::Kind::Quoted : Token::Kind::String, quoted(c)};
    if (std::isdigit(uc(c)) || (c == '.' && i_ + 1 < text_.size() && std::isdigit(uc(text_[i_ + 1])))) return number();
    if (c == '?') {
      ++i_;
      return {Token::Kind::Parameter, "?"};
    }
    for (std::string_view symbol : {"<=", ">=", "<>", "!=", "<<", ">>", "||"})
      if (at(symbol)) {
        i_ += 2;
        return {Token::Kind::Symbol, std::string(symbol)};
      }
    if (std::string_view("()[]{},.:;*=<>+-/%").find(c) == std::string_view::npos) malformed("");
    ++i_;
    return {Token::Kind::Symbol, std::string(1, c)};
  }

  // A string or name between `quote`s; a doubled quote stands for one.
  std::string quoted(char quote) {
    std::string out;
    for (++i_; i_ < text_.size(); ++i_) {
      if (text_[i_] != quote) {
        out += text_[i_];
      } else if (i_ + 1 < text_.size() && text_[i_ + 1] == quote) {
        out += quote;
        ++i_;
      } else {
        ++i_;
        return out;
      }
    }
    malformed("");
  }

  // digits [. digits] [e [+-] digits], or . digits [e [+-] digits].
  Token number() {
    std::size_t begin = i_;
    auto digits = [&] {
      std::size_t from = i_;
      while (i_ < text_.size() && std::isdigit(uc(text_[i_]))) ++i_;
      return i_ - from;
    };
    digits();
    std::size_t fraction = 0;
    if (i_ < text_.size() && text_[i_] == '.') {
      ++i_;
      fraction = digits();
    }
    std::int64_t exponent = 0;
    if (i_ < text_.size() && (text_[i_] == 'e' || text_[i_] == 'E')) {
      ++i_;
      bool negative = i_ < text_.size() && text_[i_] == '-';
      if (i_ < text_.size() && (text_[i_] == '+' || text_[i_] == '-')) ++i_;
      exponent = exponent_value(negative);
    }
    // DynamoDB reads the literal as a decimal whose scale must fit 32 bits.
    std::int64_t scale = static_cast<std::int64_t>(fraction) - exponent;
    if (scale > std::numeric_limits<std::int32_t>::max() || scale < std::numeric_limits<std::int32_t>::min()) malformed("");
    return {Token::Kind::Number, std::string(text_.substr(begin, i_ - begin))};
  }

  std::int64_t exponent_value(bool negative) {
    std::size_t from = i_;
    std::int64_t value = 0;
    for (; i_ < text_.size() && std::isdigit(uc(text_[i_])); ++i_) {
      value = value * 10 + (text_[i_] - '0');
      if (value > std::numeric_limits<std::int32_t>::max()) malformed("");
    }
    if (i_ == from) malformed("");
    return negative ? -value : value;
  }

  std::string_view text_;
  std::size_t i_ = 0;
};

// -- the parser -----------------------------------------------------------------------

// PartiQL's messages carry no prefix, and it pads the braces of attribute_type's names.
const OperandChecks kChecks("", "{ B,NULL,SS,BOOL,L,BS,N,NS,S,M }");

bool is_set(Type t) { return t == Type::SS || t == Type::NS || t == Type::BS; }

// The attribute type an IS test names (MISSING and NULL are tests of their own).
std::optional<std::string> is_type(const std::string& type) {
  if (type == "boolean" || type == "bool") return "BOOL";
  if (type == "string") return "S";
  if (type == "numeric") return "N";
  if (type == "blob") return "B";
  if (type == "struct" || type == "tuple") return "M";
  if (type == "list") return "L";
  return std::nullopt;
}

// PartiQL's other type names, as DynamoDB names them when it refuses an IS test.
std::optional<std::string> unsupported_is_type(const std::string& type) {
  static const std::vector<std::pair<std::string, std::string>> kTypes = {
      {"int", "INTEGER"}, {"integer", "INTEGER"}, {"int2", "SMALLINT"}, {"integer2", "SMALLINT"},
      {"smallint", "SMALLINT"}, {"int4", "INTEGER4"}, {"integer4", "INTEGER4"}, {"int8", "INTEGER8"},
      {"integer8", "INTEGER8"}, {"bigint", "INTEGER8"}, {"float", "FLOAT"}, {"real", "REAL"},
      {"dec", "DECIMAL"}, {"decimal", "DECIMAL"}, {"timestamp", "TIMESTAMP"}, {"date", "DATE"},
      {"time", "TIME"}, {"char", "CHARACTER"}, {"character", "CHARACTER"}, {"varchar", "CHARACTER_VARYING"},
      {"symbol", "SYMBOL"}, {"clob", "CLOB"}, {"sexp", "SEXP"}, {"bag", "BAG"},
      {"any", "ANY"}, {"double precision", "DOUBLE_PRECISION"}, {"character varying", "CHARACTER_VARYING"}};
  for (const auto& [name, shown] : kTypes)
    if (name == type) return shown;
  return std::nullopt;
}

class Parser {
 public:
  Parser(std::string_view text, const std::vector<AttributeValue>& parameters)
      : tokens_(Lexer(text).tokens()), parameters_(parameters) {}

  Statement whole_statement() {
    Statement s = statement();
    accept(";");
    if (peek().kind != Token::Kind::End) malformed("Unexpected token after expression");
    if (used_ != parameters_.size()) mismatched_parameters();
    return s;
  }

 private:
  // -- tokens -------------------------------------------------------------------------

  const Token& peek(std::size_t ahead = 0) const { return tokens_[std::min(pos_ + ahead, tokens_.size() - 1)]; }
  const Token& next() { return tokens_[pos_ < tokens_.size() - 1 ? pos_++ : pos_]; }

  bool at(std::string_view symbol, std::size_t ahead = 0) const {
    return peek(ahead).kind == Token::Kind::Symbol && peek(ahead).text == symbol;
  }
  bool accept(std::string_view symbol) {
    if (!at(symbol)) return false;
    ++pos_;
    return true;
  }
  void expect(std::string_view symbol) {
    if (!accept(symbol)) unexpected();
  }
  bool at_word(std::string_view word, std::size_t ahead = 0) const {
    return peek(ahead).kind == Token::Kind::Word && lower(peek(ahead).text) == word;
  }
  bool accept_word(std::string_view word) {
    if (!at_word(word)) return false;
    ++pos_;
    return true;
  }
  void expect_word(std::string_view word) {
    if (!accept_word(word)) malformed("Expected keyword " + upper(word));
  }
  bool at_name() const {
    return peek().kind == Token::Kind::Quoted || (peek().kind == Token::Kind::Word && !is_keyword(peek().text));
  }
  bool at_call() const { return peek().kind == Token::Kind::Word && at("(", 1); }

  bool at_operator() const {
    static const char* const kWords[] = {"and", "or", "is", "in", "like", "between"};
    if (peek().kind == Token::Kind::Word)
      return std::any_of(std::begin(kWords), std::end(kWords), [&](const char* w) { return at_word(w); });
    static const char* const kSymbols[] = {"=", "<>", "!=", "<", "<=", ">", ">=", "+", "-", "*", "/", "%", "||"};
    return std::any_of(std::begin(kSymbols), std::end(kSymbols), [&](const char* s) { return at(s); });
  }

  // What stands where a term should start.
  [[noreturn]] void unexpected() const {
    if (peek().kind == Token::Kind::End) malformed("Unexpected term");
    if (at_operator()) malformed("Unexpected operator");
    if (peek().kind == Token::Kind::Word && is_keyword(peek().text)) malformed("Unexpected keyword");
    malformed("Unexpected term");
  }

  // After an infix operator, something must follow.
  void require_right_side() const {
    if (peek().kind == Token::Kind::End) malformed("Missing right-hand side expression of infix operator");
  }

  [[noreturn]] static void mismatched_parameters() {
    throw validation("Number of parameters in request and statement don't match.");
  }

  // -- statements ---------------------------------------------------------------------

  Statement statement() {
    if (accept_word("select")) return select();
    if (accept_word("insert")) return insert();
    if (accept_word("update")) return update();
    if (accept_word("delete")) return remove();
    if (at_word("from")) return from_first_update();
    if (at_word("exists") && at("(", 1)) return exists();
    malformed("Expected data manipulation");
  }

  Statement select() {
    Statement s;
    s.kind = Statement::Kind::Select;
    s.projection = projection();
    if (!accept_word("from")) malformed("Expected keyword FROM");
    source(s);
    if (accept(",")) throw validation("Only select from a single table or index is supported.");
    if (accept_word("where")) s.where = where();
    refuse_clauses({"group", "having"});
    if (accept_word("order")) {
      expect_word("by");
      s.order_by = order_by();
    }
    refuse_clauses({"limit", "offset"});
    return s;
  }

  void refuse_clauses(std::initializer_list<const char*> clauses) const {
    for (const char* clause : clauses)
      if (at_word(clause)) throw validation("Unsupported clause: " + upper(clause) + (at_word("by", 1) ? " BY" : ""));
  }

  std::vector<Path> projection() {
    if (at_word("distinct")) throw validation("Unsupported token in expression: DISTINCT");
    if (at_word("value") || at_word("pivot")) throw validation("Select projection doesn't support value or pivot keywords");
    if (accept("*")) {
      if (at(",")) star_with_others();
      return {};
    }
    std::vector<Path> paths;
    do {
      if (at("*")) star_with_others();
      paths.push_back(path());
    } while (accept(","));
    return paths;
  }

  [[noreturn]] static void star_with_others() {
    throw validation("Other attributes should not be present in the projection when '*' is used.");
  }

  // FROM "table" or "table"."index".
  void source(Statement& s) {
    std::vector<std::string> parts{source_part()};
    while (accept(".")) parts.push_back(source_part());
    if (parts.size() > 2) throw validation("A path may contain at most 2 components in the FROM clause");
    s.table = parts[0];
    if (parts.size() == 2) s.index = parts[1];
    refuse_alias();
  }

  std::string source_part() {
    if (!at_name()) unexpected();
    return component(next().text);
  }

  static const std::string& component(const std::string& name) {
    if (name.empty()) throw validation("Path component cannot be an empty string");
    return name;
  }

  void refuse_alias() {
    if (at_word("as") || at_word("at") || at_name()) throw validation("Aliasing is not supported");
  }

  // The table a write names.
  std::string target() {
    if (!at_name()) malformed("Expected identifier for simple path");
    return component(next().text);
  }

  std::vector<OrderBy> order_by() {
    std::vector<OrderBy> order;
    do {
      if (!at_name()) unexpected();
      OrderBy o{component(next().text)};
      if (accept_word("desc")) o.descending = true;
      else accept_word("asc");
      order.push_back(std::move(o));
    } while (accept(","));
    return order;
  }

  Statement insert() {
    expect_word("into");
    Statement s;
    s.kind = Statement::Kind::Insert;
    s.table = target();
    if (accept_word("values"))
      throw validation("Unsupported operation: Inserting multiple items in a single statement is not supported, "
                       "use \"INSERT INTO tableName VALUE item\" instead");
    if (!accept_word("value")) malformed("Unexpected token after expression");
    if (!at("{")) {
      value("root", 0);
      throw validation("Unsupported format in item expression. Please use struct format {...} to express item values for "
                       "insert statement.");
    }
    next();
    s.item = map("root", 0, true).as_map();
    if (accept_word("returning")) throw validation("RETURNING is not supported in INSERT");
    return s;
  }

  Statement update() {
    Statement s;
    s.kind = Statement::Kind::Update;
    s.table = target();
    refuse_alias();
    update_actions(s);
    if (accept_word("where")) s.where = where();
    s.returning = returning();
    return s;
  }

  // FROM "table" WHERE ... SET ...: an UPDATE written the other way round.
  Statement from_first_update() {
    next();
    Statement s;
    s.kind = Statement::Kind::Update;
    s.table = target();
    refuse_alias();
    if (accept_word("where")) s.where = where();
    update_actions(s);
    s.returning = returning();
    return s;
  }

  void update_actions(Statement& s) {
    if (!at_word("set") && !at_word("remove")) unexpected();
    while (at_word("set") || at_word("remove")) {
      bool set = at_word("set");
      next();
      do s.update.push_back(set ? assignment() : removal());
      while (accept(","));
    }
    std::vector<Path> targets;
    for (const auto& a : s.update) targets.push_back(a.path);
    check_disjoint(targets, "UpdateExpression");
  }

  Statement remove() {
    expect_word("from");
    Statement s;
    s.kind = Statement::Kind::Delete;
    s.table = target();
    refuse_alias();
    if (accept_word("where")) s.where = where();
    s.returning = returning();
    if (!s.returning.empty() && s.returning != "ALL OLD")
      throw validation("Invalid returning clause: RETURNING " + s.returning +
                       " *. Only RETURNING ALL OLD * is allowed in DELETE statements.");
    return s;
  }

  // EXISTS(SELECT ... WHERE <key> AND <condition>): a condition check in a transaction.
  Statement exists() {
    next();
    next();
    if (!accept_word("select")) unexpected();
    Statement s = select();
    s.kind = Statement::Kind::Exists;
    expect(")");
    return s;
  }

  // RETURNING (ALL | MODIFIED) (OLD | NEW) *, as "ALL OLD" and the like.
  std::string returning() {
    if (!accept_word("returning")) return "";
    if (!at_word("all") && !at_word("modified")) unexpected();
    std::string which = upper(next().text);
    if (!at_word("old") && !at_word("new")) unexpected();
    which += " " + upper(next().text);
    if (!accept("*")) throw validation("Expected '*' after ( MODIFIED | ALL ) ( NEW | OLD ) in RETURNING clause");
    if (at(",")) throw validation("Invalid syntax with multiple returning elements in RETURNING clause");
    return which;
  }

  // -- paths --------------------------------------------------------------------------

  Path path() {
    if (!at_name()) unexpected();
    Path p{{component(next().text)}};
    for (;;) {
      if (accept(".")) {
        if (at("*")) throw validation("Unpivot path component like a.*.b are not supported");
        if (!at_name()) unexpected();
        p.push_back({component(next().text)});
      } else if (accept("[")) {
        p.push_back(bracket_step());
        expect("]");
      } else {
        return p;
      }
    }
  }

  // [2] is a list element, ['name'] a map member.
  PathElement bracket_step() {
    if (at("*")) throw validation("Wildcard path component like a[*].b are not supported");
    if (peek().kind == Token::Kind::String) return {component(next().text)};
    if (peek().kind != Token::Kind::Number || peek().text.find_first_not_of("0123456789") != std::string::npos)
      throw validation("Unexpected path component");
    const std::string& digits = next().text;
    if (digits.size() > 10 || std::stoll(digits) > std::numeric_limits<std::int32_t>::max())
      throw validation("List index is not within the allowable range; index: [" + digits + "]");
    return {"", static_cast<std::size_t>(std::stoll(digits)), true};
  }

  // -- values -------------------------------------------------------------------------

  bool at_value() const {
    switch (peek().kind) {
      case Token::Kind::String:
      case Token::Kind::Number:
      case Token::Kind::Parameter: return true;
      case Token::Kind::Word: return at_word("true") || at_word("false") || at_word("null") || at_word("missing");
      case Token::Kind::Symbol:
        return at("[") || at("{") || at("<<") || ((at("-") || at("+")) && peek(1).kind == Token::Kind::Number);
      default: return false;
    }
  }

  // A literal or parameter; `where` names its place in messages ("root", "root.a[1]").
  AttributeValue value(const std::string& where, int depth) {
    if (depth > kMaxValueDepth) throw validation("Nesting Levels have exceeded supported limits");
    const Token& t = peek();
    if (t.kind == Token::Kind::String) return AttributeValue::string(next().text);
    if (t.kind == Token::Kind::Number || ((at("-") || at("+")) && peek(1).kind == Token::Kind::Number)) return number(where);
    if (t.kind == Token::Kind::Parameter) {
      next();
      return parameter();
    }
    if (accept_word("true")) return AttributeValue::boolean(true);
    if (accept_word("false")) return AttributeValue::boolean(false);
    if (accept_word("null")) return AttributeValue::null();
    if (at_word("missing")) throw validation("MISSING must be compared using IS operator");
    if (accept("[")) return list(where, depth);
    if (accept("{")) return map(where, depth);
    if (accept("<<")) return set();
    unexpected();
  }

  const AttributeValue& parameter() {
    if (used_ >= parameters_.size()) mismatched_parameters();
    return parameters_[used_++];
  }

  AttributeValue number(const std::string& where) {
    std::string text = at("-") ? "-" : "";
    if (at("-") || at("+")) next();
    text += next().text;
    try {
      return AttributeValue::number(Number::parse(text));
    } catch (const ApiError& e) {
      std::string message = e.what();
      throw validation(message.ends_with('.') ? message : message + " under " + where);
    }
  }

  AttributeValue list(const std::string& where, int depth) {
    std::vector<AttributeValue> elements;
    if (!accept("]")) {
      do elements.push_back(value(where + "[" + std::to_string(elements.size()) + "]", depth + 1));
      while (accept(","));
      expect("]");
    }
    return AttributeValue::list(std::move(elements));
  }

  // An INSERT's item names each attribute's value from "root" again (`item`).
  AttributeValue map(const std::string& where, int depth, bool item = false) {
    Item members;
    if (!accept("}")) {
      do {
        std::string key = tuple_key(where);
        expect(":");
        AttributeValue v = value(item ? where : where + "." + key, depth + 1);
        if (!members.emplace(key, std::move(v)).second)
          throw validation("Duplicate keys in tuple. Key: " + key + " under " + where);
      } while (accept(","));
      expect("}");
    }
    return AttributeValue::map(std::move(members));
  }

  std::string tuple_key(const std::string& where) {
    if (peek().kind == Token::Kind::String) return component(next().text);
    std::string type = peek().kind == Token::Kind::Number ? "INT" : at_name() ? "VariableReference" : "";
    if (type.empty()) unexpected();
    throw validation("Tuple keys must be of type String. Actual type: " + type + " under " + where);
  }

  // <<'a', 'b'>> and <<1, 2>>: string and number sets; the first member decides which.
  AttributeValue set() {
    if (at(">>")) throw validation("Empty bags are not supported");
    std::vector<AttributeValue> members;
    do members.push_back(set_member());
    while (accept(","));
    expect(">>");
    Type type = members.front().type();
    Value wire = Value::array();
    for (const auto& m : members) {
      if (m.type() != type) unsupported_bag();
      wire.push(Value(type == Type::S ? m.as_string() : m.as_number().to_string()));
    }
    // The wire form's reader refuses repeated members as DynamoDB does.
    return AttributeValue::parse(Value(Object{{type == Type::S ? "SS" : "NS", std::move(wire)}}));
  }

  AttributeValue set_member() {
    if (peek().kind == Token::Kind::String) return AttributeValue::string(next().text);
    if (peek().kind == Token::Kind::Number || ((at("-") || at("+")) && peek(1).kind == Token::Kind::Number)) return number("root");
    unsupported_bag();
  }

  [[noreturn]] static void unsupported_bag() {
    throw validation("Unsupported data type in Bag. DynamoDB only supports either numbers or strings in bags");
  }

  // -- conditions ---------------------------------------------------------------------

  // A WHERE clause: it must come to a condition, not a bare value.
  Condition where() {
    auto c = disjunction();
    if (!c) throw validation("WHERE clause must contain an expression that resolves to a boolean");
    return std::move(*c);
  }

  // The parsers below give nullopt for an operand that stands alone (not a condition),
  // which only some places accept.
  std::optional<Condition> disjunction() {
    if (++depth_ > kMaxConditionDepth) malformed("");
    auto left = conjunction();
    while (accept_word("or")) {
      require_right_side();
      auto right = conjunction();
      left = combine(Condition::Kind::Or, logical_argument(std::move(left)), logical_argument(std::move(right)));
    }
    --depth_;
    return left;
  }

  std::optional<Condition> conjunction() {
    auto left = negation();
    while (accept_word("and")) {
      require_right_side();
      auto right = negation();
      left = combine(Condition::Kind::And, logical_argument(std::move(left)), logical_argument(std::move(right)));
    }
    return left;
  }

  static Condition logical_argument(std::optional<Condition> c) {
    if (!c) throw validation("The arguments to AND/OR must be Expressions");
    return std::move(*c);
  }

  std::optional<Condition> negation() {
    if (!accept_word("not")) return predicate();
    if (++depth_ > kMaxConditionDepth) malformed("");
    auto inner = negation();
    --depth_;
    if (!inner) throw validation("The argument to NOT must be a Type or Expression");
    return negate(std::move(*inner));
  }

  std::optional<Condition> predicate() {
    if (accept("(")) {
      auto inner = disjunction();
      expect(")");
      return inner;
    }
    if (at_call() && is_condition_function(lower(peek().text))) return function_condition();
    Operand left = operand();
    return comparison(std::move(left));
  }

  // What follows an operand: a comparison, BETWEEN, IN, IS, or nothing.
  std::optional<Condition> comparison(Operand left) {
    static const char* const kComparators[] = {"=", "<>", "!=", "<", "<=", ">", ">="};
    for (const char* comparator : kComparators)
      if (accept(comparator)) return compare(comparator, std::move(left));
    bool negated = at_word("not") && (at_word("between", 1) || at_word("in", 1) || at_word("like", 1));
    if (negated) next();
    std::optional<Condition> c;
    if (accept_word("between")) c = between(std::move(left));
    else if (accept_word("in")) c = in(std::move(left));
    else if (at_word("like")) throw validation("Unsupported operator in Condition Expression. Operator: like");
    else if (accept_word("is")) return is(std::move(left));
    for (const char* op : {"+", "-", "*", "/", "%", "||"})
      if (!c && at(op)) throw validation(std::string("Unsupported operator in Condition Expression. Operator: ") + op);
    if (c && negated) return negate(std::move(*c));
    return c;
  }

  Condition compare(std::string op, Operand left) {
    if (op == "!=") op = "<>";
    require_right_side();
    Condition c = operand_condition(Condition::Kind::Compare, {std::move(left), operand()}, op);
    if (op != "=" && op != "<>")
      for (const auto& o : c.operands) kChecks.require_ordered(op, o);
    return c;
  }

  Condition between(Operand left) {
    require_right_side();
    Condition c = operand_condition(Condition::Kind::Between, {std::move(left), operand()});
    expect_word("and");
    require_right_side();
    c.operands.push_back(operand());
    for (const auto& o : c.operands) kChecks.require_ordered("BETWEEN", o);
    return c;
  }

  // path IN [v, ...], (v, ...) or <<v, ...>>.
  Condition in(Operand left) {
    static const char* const kInvalid =
        "IN operator must have a left hand argument of type Variable Reference and right hand argument of type Seq with "
        "at least one member";
    require_right_side();
    const char* close = at("[") ? "]" : at("(") ? ")" : at("<<") ? ">>" : nullptr;
    if (left.kind != Operand::Kind::Path || !close) throw validation(kInvalid);
    next();
    if (at(close)) throw validation(kInvalid);
    Condition c = operand_condition(Condition::Kind::In, {std::move(left)});
    do c.operands.push_back(operand());
    while (accept(","));
    expect(close);
    return c;
  }

  // x IS [NOT] MISSING | NULL | BOOLEAN | STRING | NUMERIC | BLOB | STRUCT | TUPLE | LIST.
  Condition is(Operand left) {
    bool negated = accept_word("not");
    if (peek().kind != Token::Kind::Word) malformed("Expected type name");
    std::string type = lower(next().text);
    if ((type == "double" && accept_word("precision")) || (type == "character" && accept_word("varying")))
      type += " " + lower(tokens_[pos_ - 1].text);
    if (left.kind != Operand::Kind::Path && (left.kind != Operand::Kind::Value || type == "missing"))
      throw validation("The left hand side argument to IS must be a Variable Reference, Literal, or Path");
    Condition c;
    c.operands.push_back(std::move(left));
    if (type == "missing") {
      c.kind = negated ? Condition::Kind::Exists : Condition::Kind::NotExists;
      return c;
    }
    if (type == "null") {
      c.kind = Condition::Kind::Compare;
      c.op = "=";
      c.operands.push_back(value_operand(AttributeValue::null()));
    } else if (auto dynamo_type = is_type(type)) {
      c.kind = Condition::Kind::Type;
      c.operands.push_back(value_operand(AttributeValue::string(*dynamo_type)));
    } else {
      refuse_is_type(type);
    }
    return negated ? negate(std::move(c)) : c;
  }

  [[noreturn]] static void refuse_is_type(const std::string& type) {
    auto shown = unsupported_is_type(type);
    if (!shown) malformed("Expected type name");
    throw validation("Unsupported data type for IS operator: " + *shown +
                     ". Supported data types are [MISSING, NULL, BOOLEAN, BLOB, STRING, NUMERIC, STRUCT, TUPLE, LIST]");
  }

  // begin_with(path, v), contains(path, v), attribute_type(path, t),
  // attribute_exists(path), attribute_not_exists(path).
  Condition function_condition() {
    std::string function = lower(next().text);
    next();
    return kChecks.function_condition(function, arguments());
  }

  // After the opening parenthesis: operands separated by commas, then ')'.
  std::vector<Operand> arguments() {
    std::vector<Operand> args;
    if (accept(")")) return args;
    do args.push_back(operand());
    while (accept(","));
    expect(")");
    return args;
  }

  // A comparison operand: a literal, a parameter, a path, or size(path).
  Operand operand() {
    if (at_value()) return value_operand(value("root", 0));
    if (!at_call()) return path_operand(path());
    std::string function = lower(next().text);
    next();
    if (function != "size")
      throw validation(is_condition_function(function) ? "Unsupported token in expression: " + function
                                                       : "Unrecognized function: " + function);
    Operand o;
    o.kind = Operand::Kind::Size;
    o.args = arguments();
    kChecks.require_arity(function, o.args, 1);
    kChecks.require_path(function, o.args[0]);
    return o;
  }

  // -- updates ------------------------------------------------------------------------

  UpdateAction removal() {
    UpdateAction a;
    a.kind = UpdateAction::Kind::Remove;
    a.path = path();
    return a;
  }

  // path = value, path = path + value, path = list_append(...), path = set_add(path, <<...>>), ...
  UpdateAction assignment() {
    UpdateAction a;
    a.path = path();
    expect("=");
    require_right_side();
    if (at_call() && (at_word("set_add") || at_word("set_delete"))) return set_change(std::move(a.path));
    a.kind = UpdateAction::Kind::Set;
    a.value = sum();
    return a;
  }

  // SET s = set_add(s, <<...>>) and set_delete: ADD and DELETE of the update expressions.
  UpdateAction set_change(Path target) {
    std::string which = upper(next().text.substr(4));
    next();
    std::vector<Operand> args = update_arguments();
    if (args.size() != 2) throw validation("SET_" + which + " must have exactly two arguments");
    if (args[0].kind != Operand::Kind::Path || args[0].path != target)
      throw validation("The first argument to SET_" + which + " must equal the assignment value");
    if (args[1].kind != Operand::Kind::Value || !is_set(args[1].value.type()))
      throw validation("The second argument to SET_" + which + " must be a value with type SET");
    UpdateAction a;
    a.kind = which == "ADD" ? UpdateAction::Kind::Add : UpdateAction::Kind::Delete;
    a.path = std::move(target);
    a.value = std::move(args[1]);
    return a;
  }

  // Operands joined by + and -.
  Operand sum() {
    Operand left = update_operand();
    while (at("+") || at("-")) {
      std::string op = next().text;
      require_right_side();
      Operand o;
      o.kind = op == "+" ? Operand::Kind::Plus : Operand::Kind::Minus;
      o.args.push_back(std::move(left));
      o.args.push_back(update_operand());
      kChecks.check_arithmetic(op, o);
      left = std::move(o);
    }
    return left;
  }

  Operand update_operand() {
    if (at_value()) return value_operand(value("root", 0));
    if (accept("(")) {
      Operand inner = sum();
      expect(")");
      return inner;
    }
    if (!at_call()) return path_operand(path());
    std::string function = lower(next().text);
    next();
    Operand o;
    if (function == "list_append") o.kind = Operand::Kind::ListAppend;
    else if (function == "if_not_exists") o.kind = Operand::Kind::IfNotExists;
    else throw validation("Unrecognized function: " + function);
    o.args = update_arguments();
    kChecks.check_update_function(function, o);
    return o;
  }

  std::vector<Operand> update_arguments() {
    std::vector<Operand> args;
    if (accept(")")) return args;
    do args.push_back(sum());
    while (accept(","));
    expect(")");
    return args;
  }

  std::vector<Token> tokens_;
  std::size_t pos_ = 0;
  const std::vector<AttributeValue>& parameters_;
  std::size_t used_ = 0;
  int depth_ = 0;
};

}  // namespace

Statement parse(std::string_view text, const std::vector<AttributeValue>& parameters) {
  return Parser(text, parameters).whole_statement();
}

}  // namespace stratus::dynamodb::partiql
