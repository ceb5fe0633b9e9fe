// The expression grammars, read by recursive descent. Placeholders are resolved while
// reading, so every tree holds attribute names and values, not #names and :values.
//
// Condition precedence, loosest first: OR, AND, NOT, then comparisons, BETWEEN, IN
// and functions; parentheses group.
#include <cctype>
#include <optional>

#include "protocol/api_error.hpp"
#include "services/dynamodb/expression.hpp"
#include "services/dynamodb/errors.hpp"
#include "services/dynamodb/operand_checks.hpp"
#include "services/dynamodb/placeholders.hpp"

namespace stratus::dynamodb {
namespace {

constexpr std::size_t kMaxExpressionBytes = 4096;
constexpr std::size_t kMaxPathDepth = 32;

struct Token {
  enum class Kind { Word, Name, Value, Index, Symbol, End };
  Kind kind;
  std::string text;
  std::size_t begin, end;  // offsets in the expression
};

bool word_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

std::vector<Token> tokenize(std::string_view text) {
  std::vector<Token> tokens;
  std::size_t i = 0;
  while (i < text.size()) {
    char c = text[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
      continue;
    }
    std::size_t begin = i;
    Token::Kind kind = Token::Kind::Symbol;
    if (std::isdigit(static_cast<unsigned char>(c))) {
      while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
      kind = Token::Kind::Index;
    } else if (std::isalpha(static_cast<unsigned char>(c))) {
      while (i < text.size() && word_char(text[i])) ++i;
      kind = Token::Kind::Word;
    } else if ((c == '#' || c == ':') && i + 1 < text.size() && word_char(text[i + 1])) {
      ++i;
      while (i < text.size() && word_char(text[i])) ++i;
      kind = c == '#' ? Token::Kind::Name : Token::Kind::Value;
    } else if ((c == '<' || c == '>') && i + 1 < text.size() && (text[i + 1] == '=' || (c == '<' && text[i + 1] == '>'))) {
      i += 2;
    } else {
      ++i;
    }
    tokens.push_back({kind, std::string(text.substr(begin, i - begin)), begin, i});
  }
  tokens.push_back({Token::Kind::End, "<EOF>", text.size(), text.size()});
  return tokens;
}

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::toupper(static_cast<unsigned char>(a[i])) != std::toupper(static_cast<unsigned char>(b[i]))) return false;
  return true;
}

// The names ADD and DELETE use in their operand-type messages.
const char* long_type_name(Type type) {
  switch (type) {
    case Type::S: return "STRING";
    case Type::N: return "NUMBER";
    case Type::B: return "BINARY";
    case Type::BOOL: return "BOOLEAN";
    case Type::NUL: return "NULL";
    case Type::M: return "MAP";
    case Type::L: return "LIST";
    case Type::SS: return "STRING_SET";
    case Type::NS: return "NUMBER_SET";
    case Type::BS: return "BINARY_SET";
  }
  return "?";
}

bool is_set(Type t) { return t == Type::SS || t == Type::NS || t == Type::BS; }

class Parser {
 public:
  Parser(std::string_view text, const char* kind, Placeholders& placeholders)
      : text_(text), kind_(kind), placeholders_(placeholders),
        checks_("Invalid " + std::string(kind) + ": ", "{B,NULL,SS,BOOL,L,BS,N,NS,S,M}") {
    if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) fail("The expression can not be empty;");
    if (text.size() > kMaxExpressionBytes)
      fail("Expression size has exceeded the maximum allowed size; expression size: " + std::to_string(text.size()));
    tokens_ = tokenize(text);
  }

  Condition whole_condition() {
    Condition c = condition();
    expect_end();
    return c;
  }

  UpdateExpression whole_update() {
    UpdateExpression actions;
    std::vector<std::string> seen;
    do {
      const Token& t = peek();
      std::optional<UpdateAction::Kind> section = section_kind(t);
      if (!section) syntax_error();
      std::string upper = section_name(*section);
      for (const auto& s : seen)
        if (s == upper) fail("The \"" + upper + "\" section can only be used once in an update expression;");
      seen.push_back(upper);
      next();
      do actions.push_back(update_action(*section));
      while (accept(","));
    } while (peek().kind != Token::Kind::End);
    return actions;
  }

  std::vector<Path> whole_projection() {
    std::vector<Path> paths;
    do paths.push_back(path());
    while (accept(","));
    expect_end();
    return paths;
  }

 private:
  [[noreturn]] void fail(const std::string& message) const { checks_.fail(message); }

  [[noreturn]] void syntax_error() const {
    const Token& t = tokens_[pos_];
    std::size_t from = pos_ > 0 ? tokens_[pos_ - 1].begin : t.begin;
    std::size_t to = t.kind == Token::Kind::End ? t.end : tokens_[pos_ + 1].end;
    fail("Syntax error; token: \"" + t.text + "\", near: \"" + std::string(text_.substr(from, to - from)) + "\"");
  }

  const Token& peek(std::size_t ahead = 0) const { return tokens_[std::min(pos_ + ahead, tokens_.size() - 1)]; }
  const Token& next() { return tokens_[pos_ < tokens_.size() - 1 ? pos_++ : pos_]; }

  bool accept(std::string_view symbol) {
    if (peek().kind != Token::Kind::Symbol || peek().text != symbol) return false;
    ++pos_;
    return true;
  }
  void expect(std::string_view symbol) {
    if (!accept(symbol)) syntax_error();
  }
  bool accept_word(std::string_view word) {
    if (peek().kind != Token::Kind::Word || !equals_ignoring_case(peek().text, word)) return false;
    ++pos_;
    return true;
  }
  void expect_end() const {
    if (peek().kind != Token::Kind::End) syntax_error();
  }

  static std::optional<UpdateAction::Kind> section_kind(const Token& t) {
    if (t.kind != Token::Kind::Word) return std::nullopt;
    if (equals_ignoring_case(t.text, "SET")) return UpdateAction::Kind::Set;
    if (equals_ignoring_case(t.text, "REMOVE")) return UpdateAction::Kind::Remove;
    if (equals_ignoring_case(t.text, "ADD")) return UpdateAction::Kind::Add;
    if (equals_ignoring_case(t.text, "DELETE")) return UpdateAction::Kind::Delete;
    return std::nullopt;
  }
  static std::string section_name(UpdateAction::Kind kind) {
    switch (kind) {
      case UpdateAction::Kind::Set: return "SET";
      case UpdateAction::Kind::Remove: return "REMOVE";
      case UpdateAction::Kind::Add: return "ADD";
      case UpdateAction::Kind::Delete: return "DELETE";
    }
    return "";
  }

  // -- document paths ------------------------------------------------------------

  std::string attribute_name() {
    const Token& t = peek();
    if (t.kind == Token::Kind::Name) {
      next();
      return placeholders_.name(t.text, kind_);
    }
    if (t.kind != Token::Kind::Word || std::isdigit(static_cast<unsigned char>(t.text[0]))) syntax_error();
    if (is_reserved_word(t.text)) fail("Attribute name is a reserved keyword; reserved keyword: " + t.text);
    next();
    return t.text;
  }

  Path path() {
    Path p{{attribute_name()}};
    for (;;) {
      if (accept(".")) {
        p.push_back({attribute_name()});
      } else if (accept("[")) {
        // A list index has at most 9 digits here, so that it always fits.
        if (peek().kind != Token::Kind::Index || peek().text.size() > 9) syntax_error();
        p.push_back({"", std::stoul(next().text), true});
        expect("]");
      } else {
        break;
      }
      if (p.size() > kMaxPathDepth)
        fail("The document path has too many nesting levels; nesting levels: " + std::to_string(p.size()));
    }
    return p;
  }

  // -- condition operands ----------------------------------------------------------

  bool at_function() const { return peek().kind == Token::Kind::Word && peek(1).kind == Token::Kind::Symbol && peek(1).text == "("; }

  Operand value_placeholder() { return value_operand(placeholders_.value(next().text, kind_)); }

  // A comparison operand: a path, a :value, or size(path).
  Operand operand() {
    if (peek().kind == Token::Kind::Value) return value_placeholder();
    if (at_function()) {
      std::string function = next().text;
      if (function != "size") {
        if (is_condition_function(function)) syntax_error();
        fail("Invalid function name; function: " + function);
      }
      next();
      std::vector<Operand> args = arguments();
      checks_.require_arity(function, args, 1);
      checks_.require_path(function, args[0]);
      Operand o;
      o.kind = Operand::Kind::Size;
      o.args = std::move(args);
      return o;
    }
    return path_operand(path());
  }

  // After the opening parenthesis: operands separated by commas, then ')'.
  std::vector<Operand> arguments() {
    std::vector<Operand> args;
    do args.push_back(operand());
    while (accept(","));
    expect(")");
    return args;
  }

  // -- conditions ------------------------------------------------------------------

  Condition condition() {
    Condition left = conjunction();
    while (accept_word("OR")) left = combine(Condition::Kind::Or, std::move(left), conjunction());
    return left;
  }

  Condition conjunction() {
    Condition left = negation();
    while (accept_word("AND")) left = combine(Condition::Kind::And, std::move(left), negation());
    return left;
  }

  Condition negation() {
    if (accept_word("NOT")) return negate(negation());
    return primary();
  }

  Condition primary() {
    if (accept("(")) {
      std::size_t inside = pos_;
      Condition c = condition();
      expect(")");
      if (is_group(inside, pos_ - 2)) fail("The expression has redundant parentheses;");
      return c;
    }
    if (at_function() && is_condition_function(peek().text)) return function_condition();
    Operand left = operand();
    if (accept_word("BETWEEN")) return between(std::move(left));
    if (accept_word("IN")) return in(std::move(left));
    const Token& op = peek();
    static const char* const kComparators[] = {"=", "<>", "<", "<=", ">", ">="};
    for (const char* comparator : kComparators)
      if (op.kind == Token::Kind::Symbol && op.text == comparator) {
        next();
        Condition c = operand_condition(Condition::Kind::Compare, {std::move(left), operand()}, comparator);
        require_distinct(c.op, c.operands);
        if (c.op != "=" && c.op != "<>")
          for (const auto& o : c.operands) checks_.require_ordered(c.op, o);
        return c;
      }
    if (left.kind == Operand::Kind::Size) fail("The function is not allowed to be used this way in an expression; function: size");
    syntax_error();
  }

  Condition between(Operand left) {
    Condition c = operand_condition(Condition::Kind::Between, {std::move(left), operand()});
    if (!accept_word("AND")) syntax_error();
    c.operands.push_back(operand());
    for (const auto& o : c.operands) checks_.require_ordered("BETWEEN", o);
    const Operand &low = c.operands[1], &high = c.operands[2];
    if (low.kind != Operand::Kind::Value || high.kind != Operand::Kind::Value) return c;
    std::string bounds = "; lower bound operand: AttributeValue: {" + std::string(type_name(low.value.type())) + ":" +
                         display(low.value) + "}, upper bound operand: AttributeValue: {" + type_name(high.value.type()) + ":" +
                         display(high.value) + "}";
    if (low.value.type() != high.value.type()) fail("The BETWEEN operator requires same data type for lower and upper bounds" + bounds);
    if (high.value.key_bytes() < low.value.key_bytes())
      fail("The BETWEEN operator requires upper bound to be greater than or equal to lower bound" + bounds);
    return c;
  }

  static std::string display(const AttributeValue& v) {
    return v.type() == Type::N ? v.as_number().to_string() : v.as_string();
  }

  Condition in(Operand left) {
    Condition c = operand_condition(Condition::Kind::In, {std::move(left)});
    expect("(");
    std::vector<Operand> list = arguments();
    if (list.size() > 100)
      fail("The IN operator is provided with too many operands; number of operands: " + std::to_string(list.size()));
    for (auto& o : list) c.operands.push_back(std::move(o));
    return c;
  }

  Condition function_condition() {
    std::string function = next().text;
    next();  // (
    Condition c = checks_.function_condition(function, arguments());
    require_distinct(function, c.operands);
    return c;
  }

  // Whether tokens [first, last] are one parenthesised group: `((a = :v))` has one
  // pair of parentheses too many, which DynamoDB refuses.
  bool is_group(std::size_t first, std::size_t last) const {
    if (!is_symbol(first, "(") || !is_symbol(last, ")")) return false;
    int depth = 0;
    for (std::size_t i = first; i <= last; ++i) {
      if (is_symbol(i, "(")) ++depth;
      else if (is_symbol(i, ")") && --depth == 0) return i == last;
    }
    return false;
  }

  bool is_symbol(std::size_t at, std::string_view symbol) const {
    return at < tokens_.size() && tokens_[at].kind == Token::Kind::Symbol && tokens_[at].text == symbol;
  }

  // `a = a`, `contains(a, #a)`: a comparison of a path with itself is refused.
  void require_distinct(const std::string& op, const std::vector<Operand>& operands) const {
    if (operands.size() == 2 && operands[0].kind == Operand::Kind::Path && operands[1].kind == Operand::Kind::Path &&
        operands[0].path == operands[1].path)
      fail("The first operand must be distinct from the remaining operands for this operator or function; operator: " + op +
           ", first operand: " + path_text(operands[0].path));
  }

  // -- update actions --------------------------------------------------------------

  UpdateAction update_action(UpdateAction::Kind kind) {
    UpdateAction a;
    a.kind = kind;
    a.path = path();
    switch (kind) {
      case UpdateAction::Kind::Set:
        expect("=");
        a.value = set_value();
        break;
      case UpdateAction::Kind::Remove:
        break;
      case UpdateAction::Kind::Add:
      case UpdateAction::Kind::Delete: {
        if (peek().kind != Token::Kind::Value) syntax_error();
        a.value = value_placeholder();
        Type t = a.value.value.type();
        if (kind == UpdateAction::Kind::Add ? (t != Type::N && !is_set(t)) : !is_set(t))
          fail("Incorrect operand type for operator or function; operator: " + section_name(kind) +
               ", operand type: " + long_type_name(t));
        break;
      }
    }
    return a;
  }

  Operand set_value() {
    Operand left = set_operand();
    for (const char* op : {"+", "-"})
      if (accept(op)) {
        Operand o;
        o.kind = *op == '+' ? Operand::Kind::Plus : Operand::Kind::Minus;
        o.args.push_back(std::move(left));
        o.args.push_back(set_operand());
        checks_.check_arithmetic(op, o);
        return o;
      }
    return left;
  }

  Operand set_operand() {
    if (accept("(")) {
      Operand grouped = set_value();
      expect(")");
      return grouped;
    }
    if (peek().kind == Token::Kind::Value) return value_placeholder();
    if (!at_function()) return path_operand(path());
    std::string function = next().text;
    next();  // (
    Operand o;
    if (function == "if_not_exists") {
      o.kind = Operand::Kind::IfNotExists;
    } else if (function == "list_append") {
      o.kind = Operand::Kind::ListAppend;
    } else if (function == "size" || is_condition_function(function)) {
      fail("The function is not allowed in an update expression; function: " + function);
    } else {
      fail("Invalid function name; function: " + function);
    }
    do o.args.push_back(set_operand());
    while (accept(","));
    expect(")");
    checks_.check_update_function(function, o);
    return o;
  }

  std::string_view text_;
  const char* kind_;
  Placeholders& placeholders_;
  OperandChecks checks_;
  std::vector<Token> tokens_;
  std::size_t pos_ = 0;
};

}  // namespace

std::string path_text(const Path& path) {
  std::string out = "[";
  for (std::size_t i = 0; i < path.size(); ++i) {
    if (i) out += ", ";
    out += path[i].is_index ? "[" + std::to_string(path[i].index) + "]" : path[i].name;
  }
  return out + "]";
}

void check_disjoint(const std::vector<Path>& paths, const char* kind) {
  for (std::size_t i = 0; i < paths.size(); ++i)
    for (std::size_t j = i + 1; j < paths.size(); ++j) {
      const Path &a = paths[i], &b = paths[j];
      std::size_t n = std::min(a.size(), b.size()), k = 0;
      while (k < n && a[k] == b[k]) ++k;
      std::string which;
      if (k == n) which = "overlap";
      else if (a[k].is_index != b[k].is_index) which = "conflict";
      else continue;
      throw validation(std::string("Invalid ") + kind + ": Two document paths " + which +
                       " with each other; must remove or rewrite one of these paths; path one: " + path_text(a) +
                       ", path two: " + path_text(b));
    }
}

Condition parse_condition(std::string_view text, const char* kind, Placeholders& placeholders) {
  return Parser(text, kind, placeholders).whole_condition();
}

UpdateExpression parse_update(std::string_view text, Placeholders& placeholders) {
  UpdateExpression actions = Parser(text, "UpdateExpression", placeholders).whole_update();
  std::vector<Path> targets;
  for (const auto& a : actions) targets.push_back(a.path);
  check_disjoint(targets, "UpdateExpression");
  return actions;
}

std::vector<Path> parse_projection(std::string_view text, Placeholders& placeholders) {
  std::vector<Path> paths = Parser(text, "ProjectionExpression", placeholders).whole_projection();
  check_disjoint(paths, "ProjectionExpression");
  return paths;
}

}  // namespace stratus::dynamodb
