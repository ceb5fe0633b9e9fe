"""Randomized differential test of DynamoDB: Stratus against a reference model.

A seeded random generator drives PutItem, UpdateItem, DeleteItem and Query against
Stratus (boto3's low-level client) and, step by step, against a small model of
DynamoDB written below: items are plain dicts of AttributeValues, numbers are exact
Decimals (38 digits), sets are sets, documents are walked by path. After every write
the response (ReturnValues attributes, ConditionalCheckFailedException and its
ReturnValuesOnConditionCheckFailure item, ValidationException and its message) and the
stored item (GetItem, consistent) are compared with the model; every Query is compared
page by page (order, Count, ScannedCount, LastEvaluatedKey); at the end the whole of
both tables is compared (consistent Scan).

The model implements DynamoDB's documented semantics (developer guide: "Condition and
filter expressions, operators, and functions", "Using update expressions", "Query key
condition expressions", "Supported data types"; API reference: UpdateItem's
ReturnValues, Query's Limit and LastEvaluatedKey). Where a behaviour is not documented
the generator does not produce the case, so that every difference is a question of the
documentation: size() of a non-ASCII string (the guide says only "the length of the
string"), contains() on a binary attribute, `<>` against size() of an attribute that
has no size, a nested REMOVE or a DELETE-only update on an absent item, an invalid
update whose condition also fails, and a REMOVE of a list index past the list's end in
an update that also appends to that list. The ALL_NEW answer to a REMOVE-only update of
an absent item is left to AbsentItemReturnValuesTest. The exact message texts of the
three update errors are DynamoDB's (as in test_dynamodb_expressions.py).

Environment:
  STRATUS_DIFF_SEED  the seed (default DEFAULT_SEED); every failure message names it.
  STRATUS_DIFF_OPS   the number of random operations (default DEFAULT_OPERATIONS).

A difference does not stop the run: it is recorded (with the seed, the operation's
number, the request as sent, and the expected and actual results), the model takes
Stratus's stored item for that key so the run stays in step, and the test fails at the
end listing the differences found."""

import decimal
import os
import random
import time
import unittest

import botocore.session
from botocore.exceptions import ClientError

try:
    from . import harness
    from .dynamodb_helpers import unique
except ImportError:  # run with the test directory itself as the top level
    import harness
    from dynamodb_helpers import unique

DEFAULT_SEED = 20250611
DEFAULT_OPERATIONS = 1200
SEED = int(os.environ.get("STRATUS_DIFF_SEED", DEFAULT_SEED))
OPERATIONS = int(os.environ.get("STRATUS_DIFF_OPS", DEFAULT_OPERATIONS))
MAX_REPORTED = 12

PATH_INVALID = "The document path provided in the update expression is invalid for update"
MISSING_ATTRIBUTE = "The provided expression refers to an attribute that does not exist in the item"
WRONG_TYPE = "An operand in the update expression has an incorrect data type"
CONDITION_FAILED = "The conditional request failed"


# ======================================================================================
# AttributeValues
# ======================================================================================

# 38 digits of precision; any rounding would mean the generator made a number DynamoDB
# cannot hold exactly, which the traps turn into an error in the test itself.
NUMBER_CONTEXT = decimal.Context(prec=38, traps=[decimal.Inexact, decimal.Overflow, decimal.InvalidOperation,
                                                 decimal.DivisionByZero])
TYPES = ["S", "N", "B", "BOOL", "NULL", "SS", "NS", "BS", "L", "M"]
SCALAR_SETS = {"SS": "S", "NS": "N", "BS": "B"}


def kind(av):
    """The type of an AttributeValue: its only key."""
    (t,) = av.keys()
    return t


def canon_number(text):
    """DynamoDB's form of a number: "Leading and trailing zeroes are trimmed"; no exponent."""
    d = decimal.Decimal(text)
    if d.is_zero():
        return "0"
    return format(d.normalize(NUMBER_CONTEXT), "f")


def canonical(av):
    """An AttributeValue as DynamoDB stores it (numbers trimmed, sets without order)."""
    t = kind(av)
    v = av[t]
    if t == "N":
        return {"N": canon_number(v)}
    if t == "NS":
        return {"NS": sorted({canon_number(x) for x in v}, key=decimal.Decimal)}
    if t == "SS":
        return {"SS": sorted(set(v))}
    if t == "BS":
        return {"BS": sorted({bytes(x) for x in v})}
    if t == "B":
        return {"B": bytes(v)}
    if t == "L":
        return {"L": [canonical(x) for x in v]}
    if t == "M":
        return {"M": {k: canonical(x) for k, x in v.items()}}
    return {t: v}


def canonical_item(item):
    return {k: canonical(v) for k, v in item.items()}


def norm(av):
    """A comparable, readable form of an AttributeValue as given (sets sorted, numbers as
    their text: the model's text is DynamoDB's normalized form)."""
    t = kind(av)
    v = av[t]
    if t in ("SS", "NS"):
        return (t, tuple(sorted(v)))
    if t == "BS":
        return (t, tuple(sorted(bytes(x) for x in v)))
    if t == "B":
        return (t, bytes(v))
    if t == "L":
        return (t, tuple(norm(x) for x in v))
    if t == "M":
        return (t, tuple(sorted((k, norm(x)) for k, x in v.items())))
    return (t, v)


def norm_item(item):
    if item is None:
        return None
    return {k: norm(v) for k, v in item.items()}


def order_key(av):
    """Ordering of S (UTF-8 bytes), N (value) and B (unsigned bytes)."""
    t = kind(av)
    if t == "N":
        return decimal.Decimal(av["N"])
    if t == "S":
        return av["S"].encode("utf-8")
    return bytes(av["B"])


def depth(av):
    t = kind(av)
    if t == "M":
        return 1 + max((depth(x) for x in av["M"].values()), default=0)
    if t == "L":
        return 1 + max((depth(x) for x in av["L"]), default=0)
    return 0


def resolve(item, path):
    """The value at a document path, or None. Walking through the wrong type is absence."""
    if item is None:
        return None
    current = {"M": item}
    for element in path:
        if isinstance(element, str):
            if kind(current) != "M" or element not in current["M"]:
                return None
            current = current["M"][element]
        else:
            if kind(current) != "L" or element >= len(current["L"]):
                return None
            current = current["L"][element]
    return current


# ======================================================================================
# The model: conditions
# ======================================================================================

class Indeterminate(Exception):
    """The condition depends on behaviour the AWS documentation does not describe."""


def size_of(av):
    """size(): string length, bytes of a binary, members of a set, list or map."""
    t = kind(av)
    v = av[t]
    if t == "S":
        if not v.isascii():
            # "the length of the string" does not say in what units
            raise Indeterminate("size() of a non-ASCII string")
        return len(v)
    if t in ("B", "SS", "NS", "BS", "L", "M"):
        return len(v)
    return None


def evaluate_operand(item, operand):
    what = operand[0]
    if what == "value":
        return canonical(operand[1])
    if what == "path":
        return resolve(item, operand[1])
    value = resolve(item, operand[1])  # size
    n = None if value is None else size_of(value)
    return None if n is None else {"N": str(n)}


def equal(a, b):
    return a is not None and b is not None and norm(a) == norm(b)


def compare(op, a, b):
    """a <op> b. = and <> compare any two values; the ordering comparisons need two
    values of one type among S, N and B, and are false otherwise (absent included)."""
    if op == "=":
        return equal(a, b)
    if op == "<>":
        return not equal(a, b)
    if a is None or b is None or kind(a) != kind(b) or kind(a) not in ("S", "N", "B"):
        return False
    x, y = order_key(a), order_key(b)
    return {"<": x < y, "<=": x <= y, ">": x > y, ">=": x >= y}[op]


def holds(cond, item):
    """Whether the condition AST holds for `item` (a dict of AttributeValues; {} for an
    absent item). Both sides of AND/OR are evaluated, so that an Indeterminate anywhere
    is seen."""
    what = cond[0]
    if what in ("and", "or"):
        left, right = holds(cond[1], item), holds(cond[2], item)
        return (left and right) if what == "and" else (left or right)
    if what == "not":
        return not holds(cond[1], item)
    if what == "exists":
        return resolve(item, cond[1]) is not None
    if what == "not_exists":
        return resolve(item, cond[1]) is None
    if what == "cmp":
        _, op, left, right = cond
        a, b = evaluate_operand(item, left), evaluate_operand(item, right)
        if op == "<>" and ((left[0] == "size" and a is None) or (right[0] == "size" and b is None)):
            raise Indeterminate("<> against size() of something without a size")
        return compare(op, a, b)
    if what == "between":
        x = evaluate_operand(item, cond[1])
        return compare(">=", x, canonical(cond[2])) and compare("<=", x, canonical(cond[3]))
    if what == "in":
        x = evaluate_operand(item, cond[1])
        return any(equal(x, canonical(v)) for v in cond[2])
    if what == "type":
        value = resolve(item, cond[1])
        return value is not None and kind(value) == cond[2]["S"]
    if what == "begins":
        value, prefix = resolve(item, cond[1]), canonical(cond[2])
        if value is None or kind(value) != kind(prefix) or kind(value) not in ("S", "B"):
            return False
        return value[kind(value)].startswith(prefix[kind(prefix)])
    if what == "contains":
        value, operand = resolve(item, cond[1]), canonical(cond[2])
        if value is None:
            return False
        t = kind(value)
        if t == "B":
            raise Indeterminate("contains() on a binary attribute")
        if t == "S":
            return kind(operand) == "S" and operand["S"] in value["S"]
        if t in SCALAR_SETS:
            return kind(operand) == SCALAR_SETS[t] and operand[kind(operand)] in value[t]
        if t == "L":
            return any(equal(element, operand) for element in value["L"])
        return False  # "a String / a Set / a List that contains": nothing else does
    raise AssertionError("unknown condition %r" % (cond,))


# ======================================================================================
# The model: update expressions
# ======================================================================================

class WorkMap:
    def __init__(self, members):
        self.members = members


class WorkList:
    """A list during an update: every list index in an update expression names a position
    in the list as it was before the update."""

    def __init__(self, elements):
        self.entries = [[i, v, False] for i, v in enumerate(elements)]  # old index, value, removed
        self.appends = []  # (index named in the expression, value)

    def entry(self, index):
        for entry in self.entries:
            if entry[0] == index and not entry[2]:
                return entry
        return None


def to_work(av):
    t = kind(av)
    if t == "M":
        return WorkMap({k: to_work(v) for k, v in av["M"].items()})
    if t == "L":
        return WorkList([to_work(v) for v in av["L"]])
    return av


def from_work(node):
    if isinstance(node, WorkMap):
        return {"M": {k: from_work(v) for k, v in node.members.items()}}
    if isinstance(node, WorkList):
        kept = [from_work(v) for _, v, removed in node.entries if not removed]
        appended = [from_work(v) for _, v in sorted(node.appends, key=lambda a: a[0])]
        return {"L": kept + appended}
    return node


def work_kind(node):
    if isinstance(node, WorkMap):
        return "M"
    if isinstance(node, WorkList):
        return "L"
    return kind(node)


def work_child(node, element):
    if isinstance(element, str):
        return node.members.get(element) if isinstance(node, WorkMap) else None
    if isinstance(node, WorkList):
        entry = node.entry(element)
        return entry[1] if entry else None
    return None


def work_parent(root, path, errors):
    """The container holding path's last element, or None (with PATH_INVALID) when the
    parent is absent or of the wrong kind."""
    node = root
    for element in path[:-1]:
        node = work_child(node, element)
        if node is None:
            errors.add(PATH_INVALID)
            return None
    last = path[-1]
    if isinstance(last, str) and not isinstance(node, WorkMap) or \
            isinstance(last, int) and not isinstance(node, WorkList):
        errors.add(PATH_INVALID)
        return None
    return node


def set_path(root, path, value, errors):
    parent = work_parent(root, path, errors)
    if parent is None:
        return
    last = path[-1]
    if isinstance(last, str):
        parent.members[last] = value
    else:
        entry = parent.entry(last)
        if entry is not None:
            entry[1] = value
        else:  # "If the element does not already exist, SET will append the new element"
            parent.appends.append((last, value))


def remove_path(root, path, errors):
    parent = work_parent(root, path, errors)
    if parent is None:
        return
    last = path[-1]
    if isinstance(last, str):
        parent.members.pop(last, None)
    else:
        entry = parent.entry(last)
        if entry is not None:
            entry[2] = True


def add_to(root, name, value, errors):
    current = root.members.get(name)
    if current is None:
        root.members[name] = value
    elif work_kind(current) == "N" and kind(value) == "N":
        total = NUMBER_CONTEXT.add(decimal.Decimal(current["N"]), decimal.Decimal(value["N"]))
        root.members[name] = {"N": canon_number(total)}
    elif work_kind(current) in SCALAR_SETS and work_kind(current) == kind(value):
        root.members[name] = canonical({kind(value): current[kind(value)] + value[kind(value)]})
    else:
        errors.add(WRONG_TYPE)


def delete_from(root, name, value, errors):
    current = root.members.get(name)
    if current is None:
        return
    if work_kind(current) != kind(value):
        errors.add(WRONG_TYPE)
        return
    t = kind(value)
    remaining = [x for x in current[t] if x not in value[t]]
    if remaining:
        root.members[name] = {t: remaining}
    else:  # no empty sets: the attribute goes
        del root.members[name]


def evaluate_rhs(item, node, errors):
    """The value of a SET action's right-hand side, read from the item before the update."""
    what = node[0]
    if what == "value":
        return canonical(node[1])
    if what == "path":
        value = resolve(item, node[1])
        if value is None:
            errors.add(MISSING_ATTRIBUTE)
        return value
    if what in ("plus", "minus"):
        a, b = evaluate_rhs(item, node[1], errors), evaluate_rhs(item, node[2], errors)
        if a is None or b is None:
            return None
        if kind(a) != "N" or kind(b) != "N":
            errors.add(WRONG_TYPE)
            return None
        x, y = decimal.Decimal(a["N"]), decimal.Decimal(b["N"])
        result = NUMBER_CONTEXT.add(x, y) if what == "plus" else NUMBER_CONTEXT.subtract(x, y)
        return {"N": canon_number(result)}
    if what == "if_not_exists":
        value = resolve(item, node[1])
        return value if value is not None else evaluate_rhs(item, node[2], errors)
    if what == "list_append":
        a, b = evaluate_rhs(item, node[1], errors), evaluate_rhs(item, node[2], errors)
        if a is None or b is None:
            return None
        if kind(a) != "L" or kind(b) != "L":
            errors.add(WRONG_TYPE)
            return None
        return {"L": a["L"] + b["L"]}
    raise AssertionError("unknown operand %r" % (node,))


def project(item, paths):
    """The attributes of `item` at `paths`, each inside its parents (as a
    ProjectionExpression would give them); None when nothing is there."""
    if item is None:
        return None
    tree = {}
    for path in paths:
        node = tree
        for element in path[:-1]:
            node = node.setdefault(element, {})
        node[path[-1]] = True

    def pick(av, selection):
        if selection is True:
            return av
        t = kind(av)
        if all(isinstance(k, str) for k in selection):
            if t != "M":
                return None
            out = {k: pick(av["M"][k], s) for k, s in selection.items() if k in av["M"]}
            out = {k: v for k, v in out.items() if v is not None}
            return {"M": out} if out else None
        if t != "L":
            return None
        out = [pick(av["L"][i], selection[i]) for i in sorted(selection) if i < len(av["L"])]
        out = [v for v in out if v is not None]
        return {"L": out} if out else None

    result = {}
    for name, selection in tree.items():
        if name in item:
            value = pick(item[name], selection)
            if value is not None:
                result[name] = value
    return result or None


def clash(p, q):
    """Whether two update paths overlap (one is a prefix of the other) or conflict (a
    map member and a list index under the same parent): DynamoDB refuses both."""
    for x, y in zip(p, q):
        if x != y:
            return type(x) is not type(y)
    return True


# ======================================================================================
# The model: tables
# ======================================================================================

class Outcome:
    def __init__(self, status, attributes=None, errors=(), old=None):
        self.status = status            # "ok", "condition", "validation"
        self.attributes = attributes    # ReturnValues attributes (ok)
        self.errors = set(errors)       # ValidationException messages (validation)
        self.old = old                  # the item before (condition: the ALL_OLD item)


class Table:
    def __init__(self, name, sk_type):
        self.name = name
        self.sk_type = sk_type
        self.items = {}  # (pk, canonical sk) -> item (canonical AttributeValues)

    def key_of(self, key):
        return (key["pk"]["S"], canonical(key["sk"])[self.sk_type])

    def get(self, key):
        return self.items.get(self.key_of(key))

    def adopt(self, key, item):
        if item is None:
            self.items.pop(self.key_of(key), None)
        else:
            self.items[self.key_of(key)] = canonical_item(item)

    def put(self, item, condition, return_values):
        key = {"pk": item["pk"], "sk": item["sk"]}
        old = self.get(key)
        if condition is not None and not holds(condition, old or {}):
            return Outcome("condition", old=old)
        self.items[self.key_of(key)] = canonical_item(item)
        return Outcome("ok", old if return_values == "ALL_OLD" else None)

    def delete(self, key, condition, return_values):
        old = self.get(key)
        if condition is not None and not holds(condition, old or {}):
            return Outcome("condition", old=old)
        self.items.pop(self.key_of(key), None)
        return Outcome("ok", old if return_values == "ALL_OLD" else None)

    def update(self, key, actions, condition, return_values):
        old = self.get(key)
        if condition is not None and not holds(condition, old or {}):
            return Outcome("condition", old=old)
        new, errors = self.apply(key, old, actions)
        if errors:
            return Outcome("validation", errors=errors)
        if new is None:
            self.items.pop(self.key_of(key), None)
        else:
            self.items[self.key_of(key)] = new
        targets = [action[1] for action in actions]
        attributes = {"ALL_OLD": old, "ALL_NEW": new, "UPDATED_OLD": project(old, targets),
                      "UPDATED_NEW": project(new, targets)}.get(return_values)
        return Outcome("ok", attributes)

    @staticmethod
    def apply(key, old, actions):
        """The item after the update (None: still absent), and the validation errors."""
        errors = set()
        before = old or {}
        root = to_work({"M": old if old is not None else canonical({"M": key})["M"]})
        for action in actions:
            what, path = action[0], action[1]
            if what == "SET":
                value = evaluate_rhs(before, action[2], errors)
                set_path(root, path, value if value is not None else {"NULL": True}, errors)
            elif what == "REMOVE":
                remove_path(root, path, errors)
            elif what == "ADD":
                add_to(root, path[0], canonical(action[2]), errors)
            else:
                delete_from(root, path[0], canonical(action[2]), errors)
        if errors:
            return None, errors
        if old is None and all(action[0] == "REMOVE" for action in actions):
            return None, errors  # removing from an item that is not there creates nothing
        return from_work(root)["M"], errors

    def query(self, pk, key_condition, filter_condition, forward):
        """(items matching the key condition in order, the same after the filter)."""
        matching = []
        for (item_pk, _), item in self.items.items():
            if item_pk != pk:
                continue
            if key_condition is not None and not holds(key_condition, item):
                continue
            matching.append(item)
        matching.sort(key=lambda item: order_key(item["sk"]), reverse=not forward)
        filtered = [i for i in matching if filter_condition is None or holds(filter_condition, i)]
        return matching, filtered


# ======================================================================================
# Rendering expressions
# ======================================================================================

ALIAS_ONLY = {"status", "name", "x.y", "s t"}  # reserved words, or not a plain name


class Placeholders:
    """ExpressionAttributeNames and ExpressionAttributeValues for one request. Only what
    is rendered gets a placeholder, so every name and value is used."""

    def __init__(self, rng):
        self.rng = rng
        self.names = {}
        self.values = {}
        self._aliases = {}

    def name(self, name):
        if name in ALIAS_ONLY or self.rng.random() < 0.3:
            if name not in self._aliases:
                alias = "#n%d" % len(self._aliases)
                self._aliases[name] = alias
                self.names[alias] = name
            return self._aliases[name]
        return name

    def path(self, path):
        out = ""
        for element in path:
            if isinstance(element, str):
                out += ("." if out else "") + self.name(element)
            else:
                out += "[%d]" % element
        return out

    def value(self, av):
        alias = ":v%d" % len(self.values)
        self.values[alias] = av
        return alias

    def keyword(self, word):
        return self.rng.choice([word, word.lower(), word.capitalize()])

    def apply(self, kwargs):
        if self.names:
            kwargs["ExpressionAttributeNames"] = self.names
        if self.values:
            kwargs["ExpressionAttributeValues"] = self.values
        return kwargs

    # -- conditions (precedence: comparisons, NOT, AND, OR) --------------------------

    def operand(self, operand):
        if operand[0] == "value":
            return self.value(operand[1])
        if operand[0] == "path":
            return self.path(operand[1])
        return "size(%s)" % self.path(operand[1])

    def condition(self, cond, context=0):
        what = cond[0]
        if what in ("and", "or"):
            precedence = 2 if what == "and" else 1
            text = "%s %s %s" % (self.condition(cond[1], precedence), self.keyword(what.upper()),
                                 self.condition(cond[2], precedence))
        elif what == "not":
            precedence = 3
            text = "%s %s" % (self.keyword("NOT"), self.condition(cond[1], 3))
        else:
            precedence = 4
            text = self.atom(cond)
        if precedence < context or self.rng.random() < 0.1:
            text = "(%s)" % text
        return text

    def atom(self, cond):
        what = cond[0]
        if what == "exists":
            return "attribute_exists(%s)" % self.path(cond[1])
        if what == "not_exists":
            return "attribute_not_exists(%s)" % self.path(cond[1])
        if what == "cmp":
            return "%s %s %s" % (self.operand(cond[2]), cond[1], self.operand(cond[3]))
        if what == "between":
            return "%s %s %s %s %s" % (self.operand(cond[1]), self.keyword("BETWEEN"), self.value(cond[2]),
                                       self.keyword("AND"), self.value(cond[3]))
        if what == "in":
            return "%s %s (%s)" % (self.operand(cond[1]), self.keyword("IN"),
                                   ", ".join(self.value(v) for v in cond[2]))
        function = {"type": "attribute_type", "begins": "begins_with", "contains": "contains"}[what]
        return "%s(%s, %s)" % (function, self.path(cond[1]), self.value(cond[2]))

    # -- update expressions --------------------------------------------------------------

    def rhs(self, node):
        what = node[0]
        if what == "value":
            return self.value(node[1])
        if what == "path":
            return self.path(node[1])
        if what in ("plus", "minus"):
            return "%s %s %s" % (self.rhs(node[1]), "+" if what == "plus" else "-", self.rhs(node[2]))
        if what == "if_not_exists":
            return "if_not_exists(%s, %s)" % (self.path(node[1]), self.rhs(node[2]))
        return "list_append(%s, %s)" % (self.rhs(node[1]), self.rhs(node[2]))

    def update(self, actions):
        sections = {"SET": [], "REMOVE": [], "ADD": [], "DELETE": []}
        for action in actions:
            what, path = action[0], action[1]
            if what == "SET":
                sections[what].append("%s = %s" % (self.path(path), self.rhs(action[2])))
            elif what == "REMOVE":
                sections[what].append(self.path(path))
            else:
                sections[what].append("%s %s" % (self.path(path), self.value(action[2])))
        order = [s for s in sections if sections[s]]
        self.rng.shuffle(order)
        return " ".join("%s %s" % (self.keyword(s), ", ".join(sections[s])) for s in order)


# ======================================================================================
# Random generation
# ======================================================================================

PARTITIONS = ["p0", "p1", "p2"]
# Sort keys as sent: several are not in DynamoDB's normalized form ("1.50" is 1.5), so
# the same item is reached through different texts.
NUMBER_SORT_KEYS = ["-1000", "-20.5", "-3", "-0.25", "0", "0.001", "0.5", "1", "1.50", "1.5", "2", "3.14159",
                    "10", "10.0", "12", "99.99", "100", "1E2", "101", "1000.5", "12345"]
# UTF-8 byte order puts U+FF5A before U+1D11E, UTF-16 the other way round.
STRING_SORT_KEYS = ["a", "aa", "ab", "abc", "b", "ba", "A", "Z", "0", "9", "a b", "\u00e9", "\u00e9a", "\u4e2d",
                    "\uff5a", "\U0001d11e", "a\U0001d11e", "a\uff5a", "zz", "~"]
TOP_NAMES = ["a", "b", "c", "d", "e", "f", "status", "x.y"]
NESTED_NAMES = ["p", "q", "r", "name", "s t"]
KEY_NAMES = ("pk", "sk")
CHARS = "abcxyzAZ09 -_."
EXOTIC_CHARS = ["\u00e9", "\u4e2d", "\uff5a", "\U0001d11e"]
BYTES = [0x00, 0x01, 0x41, 0x7f, 0x80, 0xfe, 0xff]


class Generator:
    def __init__(self, rng):
        self.rng = rng

    # -- values ---------------------------------------------------------------------

    def text(self, low=0, high=6):
        rng = self.rng
        return "".join(rng.choice(EXOTIC_CHARS) if rng.random() < 0.08 else rng.choice(CHARS)
                       for _ in range(rng.randint(low, high)))

    def number_text(self):
        rng = self.rng
        r = rng.random()
        if r < 0.4:
            return str(rng.randint(-1000, 1000))
        if r < 0.85:  # decimals, sometimes with trailing zeros ("1.2300")
            return str(decimal.Decimal(rng.randint(-10 ** 6, 10 ** 6)).scaleb(-rng.randint(1, 4)))
        if r < 0.93:
            return "%dE%d" % (rng.randint(-99, 99), rng.randint(0, 3))
        return rng.choice(["0.10", "2.50", "-0.50", "100.000", "007", "-0012.340", "+5"])

    def binary(self, low=0, high=5):
        return bytes(self.rng.choice(BYTES) for _ in range(self.rng.randint(low, high)))

    def scalar(self, kind_, nonempty=True):
        low = 1 if nonempty else 0
        if kind_ == "S":
            return {"S": self.text(low)}
        if kind_ == "N":
            return {"N": self.number_text()}
        return {"B": self.binary(low)}

    def set_value(self, kind_, base=None):
        """A set of 1-4 members (distinct by value), some taken from `base` (a set value)."""
        element = SCALAR_SETS[kind_]
        members = {}
        if base is not None:
            for member in base[kind_]:
                if self.rng.random() < 0.5:
                    members[canonical({element: member})[element]] = member
        for _ in range(self.rng.randint(0 if members else 1, 3)):
            member = self.scalar(element)[element]
            members.setdefault(canonical({element: member})[element], member)
        return {kind_: list(members.values())}

    def value(self, budget=3):
        rng = self.rng
        choices = ["S", "N", "B", "BOOL", "NULL", "SS", "NS", "BS"] + (["L", "M"] if budget > 0 else [])
        weights = [5, 5, 2, 1, 1, 2, 2, 1] + ([3, 3] if budget > 0 else [])
        t = rng.choices(choices, weights)[0]
        if t in ("S", "N", "B"):
            return self.scalar(t, nonempty=rng.random() < 0.85)
        if t == "BOOL":
            return {"BOOL": rng.random() < 0.5}
        if t == "NULL":
            return {"NULL": True}
        if t in SCALAR_SETS:
            return self.set_value(t)
        if t == "L":
            return {"L": [self.value(budget - 1) for _ in range(rng.randint(0, 4))]}
        names = rng.sample(NESTED_NAMES, rng.randint(0, 4))
        return {"M": {n: self.value(budget - 1) for n in names}}

    def item(self, key):
        item = dict(key)
        for name in self.rng.sample(TOP_NAMES, self.rng.randint(0, 5)):
            item[name] = self.value()
        return item

    # -- paths ----------------------------------------------------------------------

    @staticmethod
    def paths_of(item, keys=False):
        """(path, value) of every attribute and nested member, outside the key unless asked."""
        out = []

        def walk(av, path):
            out.append((path, av))
            if len(path) >= 6:
                return
            if kind(av) == "M":
                for k, v in av["M"].items():
                    walk(v, path + (k,))
            elif kind(av) == "L":
                for i, v in enumerate(av["L"]):
                    walk(v, path + (i,))
        for name, av in (item or {}).items():
            if keys or name not in KEY_NAMES:
                walk(av, (name,))
        return out

    def random_path(self, nested=False):
        rng = self.rng
        path = (rng.choice(TOP_NAMES),)
        while (nested and len(path) == 1) or (rng.random() < 0.35 and len(path) < 4):
            path += (rng.choice(NESTED_NAMES),) if rng.random() < 0.6 else (rng.randint(0, 4),)
        return path

    def pick_path(self, item, allow_keys):
        """A path for a condition: mostly one the item has, with its value; else any."""
        rng = self.rng
        if allow_keys and item and rng.random() < 0.1:
            name = rng.choice(KEY_NAMES)
            return (name,), item.get(name)
        paths = self.paths_of(item)
        if paths and rng.random() < 0.7:
            return rng.choice(paths)
        path = self.random_path()
        return path, resolve(item, path)

    # -- conditions -----------------------------------------------------------------

    def near(self, current, ordered):
        """A value for comparing with `current`: itself, a neighbour, or something else.
        With `ordered`, a non-empty S, N or B."""
        rng = self.rng
        t = kind(current) if current is not None else None
        if ordered and t not in ("S", "N", "B"):
            t = None
        if t is None:
            if ordered or rng.random() < 0.6:
                return self.scalar(rng.choice("SNB"))
            return self.value(1)
        r = rng.random()
        if r < 0.4 and not (t in ("S", "B") and not current[t]):
            return current
        if t == "N":
            delta = decimal.Decimal(rng.choice(["1", "-1", "0.5", "-0.001", "10"]))
            return {"N": str(NUMBER_CONTEXT.add(decimal.Decimal(current["N"]), delta))}
        if t == "S":
            s = current["S"]
            return {"S": rng.choice([s + "a", s[:-1], s + "\u00e9", self.text(1)]) or "m"}
        if t == "B":
            b = bytes(current["B"])
            return {"B": rng.choice([b + b"\x00", b[:-1], self.binary(1)]) or b"\x80"}
        return self.value(1)

    def condition(self, item, allow_keys=True, depth_=2):
        rng = self.rng
        if depth_ > 0 and rng.random() < 0.35:
            what = rng.choice(["and", "or", "not"])
            if what == "not":
                return ("not", self.condition(item, allow_keys, depth_ - 1))
            return (what, self.condition(item, allow_keys, depth_ - 1), self.condition(item, allow_keys, depth_ - 1))
        return self.atom(item, allow_keys)

    def atom(self, item, allow_keys):
        rng = self.rng
        path, current = self.pick_path(item, allow_keys)
        what = rng.choices(["exists", "not_exists", "cmp", "between", "in", "begins", "contains", "type", "size"],
                           [2, 2, 6, 2, 2, 2, 3, 2, 3])[0]
        if what in ("exists", "not_exists"):
            return (what, path)
        if what == "cmp":
            op = rng.choice(["=", "<>", "<", "<=", ">", ">="])
            if rng.random() < 0.15:
                other, _ = self.pick_path(item, allow_keys)
                if other != path:  # a path compared with itself is refused
                    return ("cmp", op, ("path", path), ("path", other))
            value = ("value", self.near(current, ordered=op not in ("=", "<>")))
            if rng.random() < 0.2:
                return ("cmp", op, value, ("path", path))
            return ("cmp", op, ("path", path), value)
        if what == "between":
            lo, hi = self.near(current, True), self.near(current, True)
            if kind(lo) != kind(hi):
                hi = self.near(lo, True)
            lo, hi = sorted([lo, hi], key=lambda v: order_key(canonical(v)))
            return ("between", ("path", path), lo, hi)
        if what == "in":
            return ("in", ("path", path), [self.near(current, False) for _ in range(rng.randint(1, 4))])
        if what == "begins":
            t = kind(current) if current is not None else None
            if t in ("S", "B") and current[t] and rng.random() < 0.7:
                whole = current[t]
                return ("begins", path, {t: whole[:rng.randint(1, len(whole))]})
            return ("begins", path, self.scalar(rng.choice("SB")))
        if what == "contains":
            t = kind(current) if current is not None else None
            if t == "S" and current["S"] and rng.random() < 0.7:
                s = current["S"]
                i = rng.randrange(len(s))
                return ("contains", path, {"S": s[i:rng.randint(i + 1, len(s))]})
            if t in SCALAR_SETS and rng.random() < 0.7:
                element = SCALAR_SETS[t]
                member = rng.choice(current[t]) if rng.random() < 0.6 else self.scalar(element)[element]
                return ("contains", path, {element: member})
            if t == "L" and current["L"] and rng.random() < 0.7:
                return ("contains", path, rng.choice(current["L"]))
            return ("contains", path, self.scalar(rng.choice("SN")))
        if what == "type":
            name = kind(current) if current is not None and rng.random() < 0.5 else rng.choice(TYPES)
            return ("type", path, {"S": name})
        # size() compared with a number near the real size
        try:
            size = size_of(current) if current is not None else None
        except Indeterminate:
            size = None
        base = size if size is not None else rng.randint(0, 4)
        if rng.random() < 0.25:
            lo = max(0, base - rng.randint(0, 2))
            return ("between", ("size", path), {"N": str(lo)}, {"N": str(lo + rng.randint(0, 3))})
        op = rng.choice(["=", "<>", "<", "<=", ">", ">="])
        return ("cmp", op, ("size", path), ("value", {"N": str(max(0, base + rng.randint(-1, 1)))}))

    def determinate_condition(self, item, allow_keys=True, items=None, want=None):
        """A condition whose outcome the documentation decides for `item` (and for each of
        `items`); with `want`, one that evaluates to it. None if none was found."""
        for _ in range(40):
            cond = self.condition(item, allow_keys)
            try:
                result = holds(cond, item or {})
                for other in items or ():
                    holds(cond, other)
            except Indeterminate:
                continue
            if want is None or result == want:
                return cond
        return None

    # -- update expressions ---------------------------------------------------------

    def update(self, item):
        rng = self.rng
        actions = []
        wanted = rng.choice([1, 1, 2, 2, 3, 4])
        for _ in range(20):
            if len(actions) >= wanted:
                break
            action = self.action(item)
            if action is not None and not any(clash(action[1], a[1]) for a in actions):
                actions.append(action)
        lists = [(p, v) for p, v in self.paths_of(item) if kind(v) == "L" and len(v["L"]) < 10]
        if lists and rng.random() < 0.15:
            # several appends to one list: "the elements are sorted in order by element number"
            p, v = rng.choice(lists)
            for index in rng.sample(range(len(v["L"]), len(v["L"]) + 20), rng.randint(2, 3)):
                action = ("SET", p + (index,), ("value", self.value(1)))
                if not any(clash(action[1], a[1]) for a in actions):
                    actions.append(action)
        lists = [(p, v) for p, v in self.paths_of(item) if kind(v) == "L" and len(v["L"]) >= 2]
        if lists and rng.random() < 0.15:
            # several elements of one list: every index names a position before the update
            p, v = rng.choice(lists)
            for index in rng.sample(range(len(v["L"])), rng.randint(2, min(3, len(v["L"])))):
                action = ("REMOVE", p + (index,))
                if not any(clash(action[1], a[1]) for a in actions):
                    actions.append(action)
        rng.shuffle(actions)

        def past_the_end(path):
            """Whether path is a list index at or past the end of the list before the update."""
            value = resolve(item, path[:-1])
            return isinstance(path[-1], int) and value is not None and kind(value) == "L" \
                and path[-1] >= len(value["L"])
        # SET l[j] past the end of a list appends; what a REMOVE l[i] in the same update
        # does when i is past the list's original end too is not documented (the appended
        # element is at a position >= i by then)
        appended = {a[1][:-1] for a in actions if a[0] == "SET" and past_the_end(a[1])}
        actions = [a for a in actions if not (a[0] == "REMOVE" and past_the_end(a[1]) and a[1][:-1] in appended)]
        if item is None and not any(a[0] in ("SET", "ADD") for a in actions):
            # what a DELETE-only update does to an absent item is not documented
            actions = [a for a in actions if a[0] != "DELETE"]
        if not actions:
            actions = [("SET", (rng.choice(TOP_NAMES),), ("value", self.value()))]
        return actions

    def action(self, item):
        rng = self.rng
        paths = self.paths_of(item)
        what = rng.choices(["SET", "REMOVE", "ADD", "DELETE"], [55, 20, 15, 10])[0]
        if what == "SET":
            target = self.set_target(item, paths)
            rhs = self.rhs(item, paths, target)
            return None if rhs is None else ("SET", target, rhs)
        if what == "REMOVE":
            return ("REMOVE", self.remove_target(item, paths))
        def current_of(name):
            return (item or {}).get(name)
        if what == "ADD":
            candidates = [n for n, v in (item or {}).items() if n not in KEY_NAMES and kind(v) in ("N", "SS", "NS", "BS")]
            absent = [n for n in TOP_NAMES if n not in (item or {})]
            if candidates and rng.random() < 0.6:
                name = rng.choice(candidates)
            else:
                name = rng.choice(absent if absent and rng.random() < 0.7 else TOP_NAMES)
            current = current_of(name)
            t = kind(current) if current is not None else None
            if t not in ("N", "SS", "NS", "BS") or rng.random() < 0.1:
                t = rng.choice(["N", "N", "SS", "NS", "BS"])
            if t == "N":
                return ("ADD", (name,), {"N": self.number_text()})
            base = current if current is not None and kind(current) == t else None
            return ("ADD", (name,), self.set_value(t, base))
        candidates = [n for n, v in (item or {}).items() if n not in KEY_NAMES and kind(v) in SCALAR_SETS]
        absent = [n for n in TOP_NAMES if n not in (item or {})]
        if candidates and rng.random() < 0.75:
            name = rng.choice(candidates)
        else:
            name = rng.choice(absent if absent and rng.random() < 0.7 else TOP_NAMES)
        current = current_of(name)
        t = kind(current) if current is not None else None
        if t not in SCALAR_SETS or rng.random() < 0.1:
            t = rng.choice(list(SCALAR_SETS))
        base = current if current is not None and kind(current) == t else None
        return ("DELETE", (name,), self.set_value(t, base))

    def set_target(self, item, paths):
        rng = self.rng
        r = rng.random()
        if r < 0.06:
            return self.random_path(nested=True)  # often a parent that is not there: invalid
        if r < 0.35 or not paths:
            return (rng.choice(TOP_NAMES),)
        if r < 0.75:
            maps = [p for p, v in paths if kind(v) == "M"]
            if maps and rng.random() < 0.4:
                return rng.choice(maps) + (rng.choice(NESTED_NAMES),)
            lists = [(p, v) for p, v in paths if kind(v) == "L" and len(v["L"]) < 12]
            if lists and rng.random() < 0.4:
                p, v = rng.choice(lists)
                return p + (len(v["L"]) + rng.randint(0, 3),)  # past the end: appends
        return rng.choice(paths)[0]

    def rhs(self, item, paths, target):
        rng = self.rng
        budget = max(0, 5 - len(target))
        numbers = [p for p, v in paths if kind(v) == "N"]
        lists = [p for p, v in paths if kind(v) == "L" and len(v["L"]) < 15]
        r = rng.random()
        if r < 0.35:
            return ("value", self.value(budget))
        if r < 0.45:  # copy another attribute (sometimes one that is not there)
            if paths and rng.random() < 0.9:
                source, value = rng.choice(paths)
                if depth(value) + len(target) > 10:
                    return None
                return ("path", source)
            if paths or rng.random() < 0.2:
                return ("path", self.random_path())
            return ("value", self.value(budget))
        if r < 0.7:  # arithmetic
            def number_operand():
                x = rng.random()
                if numbers and x < 0.45:
                    return ("path", rng.choice(numbers))
                if x < 0.55:
                    return ("path", self.pick_path(item, False)[0])  # maybe not a number, or absent
                if x < 0.7:
                    return ("if_not_exists", target, ("value", {"N": "0"}))
                return ("value", {"N": self.number_text()})
            left, right = number_operand(), number_operand()
            if left[0] == "value" and right[0] == "value" and rng.random() < 0.7:
                current = resolve(item, target)
                if current is not None and kind(current) == "N":
                    left = ("path", target)
                else:
                    left = ("if_not_exists", target, ("value", {"N": self.number_text()}))
            return (rng.choice(["plus", "minus"]), left, right)
        if r < 0.8:
            source = target if rng.random() < 0.6 else self.pick_path(item, False)[0]
            value = resolve(item, source)
            if value is not None and depth(value) + len(target) > 10:
                return None
            return ("if_not_exists", source, ("value", self.value(budget)))
        # list_append
        tail = ("value", {"L": [self.value(max(0, budget - 1)) for _ in range(rng.randint(0, 3))]})
        x = rng.random()
        current = resolve(item, target)
        if lists and x < 0.6:
            head = ("path", rng.choice(lists))
        elif x < 0.8 and (current is None or kind(current) == "L" or x < 0.65):
            head = ("if_not_exists", target, ("value", {"L": []}))
        else:
            head = ("path", self.pick_path(item, False)[0])  # maybe not a list
            if resolve(item, head[1]) is not None and depth(resolve(item, head[1])) + len(target) > 10:
                return None
        return ("list_append", head, tail) if rng.random() < 0.7 else ("list_append", tail, head)

    def remove_target(self, item, paths):
        rng = self.rng
        r = rng.random()
        if r < 0.45 and paths:
            return rng.choice(paths)[0]
        if r < 0.65 or item is None:
            return (rng.choice(TOP_NAMES),)
        lists = [(p, v) for p, v in paths if kind(v) == "L"]
        if r < 0.9 and lists:
            p, v = rng.choice(lists)
            return p + (rng.randint(0, len(v["L"]) + 1),)  # sometimes past the end: nothing
        if r > 0.95 or not paths:
            return self.random_path(nested=True)  # often an invalid path
        return rng.choice(paths)[0]

    # -- queries --------------------------------------------------------------------

    def key_condition(self, table, sort_keys):
        """A condition on the sort key (AST), or None for the partition key alone."""
        rng = self.rng
        pool = NUMBER_SORT_KEYS if table.sk_type == "N" else STRING_SORT_KEYS

        def sk_value():
            if table.sk_type == "S" and rng.random() < 0.25:
                return {"S": self.text(1, 3)}
            return {table.sk_type: rng.choice(pool + sort_keys)}
        ops = ["none", "=", "<", "<=", ">", ">=", "between"] + (["begins"] if table.sk_type == "S" else [])
        op = rng.choice(ops)
        if op == "none":
            return None
        if op == "between":
            lo, hi = sorted([sk_value(), sk_value()], key=lambda v: order_key(canonical(v)))
            return ("between", ("path", ("sk",)), lo, hi)
        if op == "begins":
            s = sk_value()["S"]
            return ("begins", ("sk",), {"S": s[:rng.randint(1, len(s))]})
        return ("cmp", op, ("path", ("sk",)), ("value", sk_value()))


# ======================================================================================
# The test
# ======================================================================================

def supports_return_values_on_condition_check_failure():
    model = botocore.session.get_session().get_service_model("dynamodb")
    return "ReturnValuesOnConditionCheckFailure" in model.operation_model("PutItem").input_shape.members


class DifferentialTestCase(harness.ServerTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ddb = cls.server.client("dynamodb")
        cls.rvoccf = supports_return_values_on_condition_check_failure()

    def create_table(self, sk_type):
        name = unique("diff-" + sk_type.lower())
        self.ddb.create_table(TableName=name, BillingMode="PAY_PER_REQUEST",
                              KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"},
                                         {"AttributeName": "sk", "KeyType": "RANGE"}],
                              AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                                                    {"AttributeName": "sk", "AttributeType": sk_type}])
        self.ddb.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 30})
        return Table(name, sk_type)


class RandomOperationsTest(DifferentialTestCase):

    def test_random_operations_match_the_model(self):
        self.rng = random.Random(SEED)
        self.gen = Generator(self.rng)
        self.tables = [self.create_table("N"), self.create_table("S")]
        self.differences = []
        self.stats = {}
        self.op = 0
        started = time.monotonic()
        # a first population, then the random mix
        for table in self.tables:
            for _ in range(30):
                self.step(lambda t=table: self.put_item(t, conditional=False))
        for _ in range(OPERATIONS):
            table = self.rng.choice(self.tables)
            what = self.rng.choices([self.put_item, self.update_item, self.delete_item, self.query],
                                    [25, 45, 10, 20])[0]
            self.step(lambda t=table, w=what: w(t))
            if len(self.differences) >= 3 * MAX_REPORTED:
                break
        for table in self.tables:
            self.scan_whole_table(table)
        elapsed = time.monotonic() - started
        if self.differences:
            shown = "\n\n".join(self.differences[:MAX_REPORTED])
            self.fail("%d difference(s) between Stratus and the model (seed %d: rerun with STRATUS_DIFF_SEED=%d; "
                      "%d operations, %.1f s); the first %d:\n\n%s"
                      % (len(self.differences), SEED, SEED, self.op, elapsed, min(len(self.differences), MAX_REPORTED),
                         shown))
        # the run must have exercised every kind of outcome
        for outcome, minimum in [("PutItem ok", 30), ("PutItem condition", 5), ("UpdateItem ok", 50),
                                 ("UpdateItem condition", 10), ("UpdateItem validation", 10), ("DeleteItem ok", 5),
                                 ("DeleteItem condition", 3), ("query", 40)]:
            self.assertGreaterEqual(self.stats.get(outcome, 0), minimum,
                                    "seed %d: too few '%s' outcomes: %r" % (SEED, outcome, self.stats))

    # -- bookkeeping ------------------------------------------------------------------

    def step(self, operation):
        self.op += 1
        self.before = None  # (the model's item before a write,) for the reports
        operation()

    def count(self, what):
        self.stats[what] = self.stats.get(what, 0) + 1

    def differ(self, what, request, expected, actual):
        before = ""
        if self.before is not None:
            before = "\n  item before (PutItem this, then send the request): %r" % (self.before[0],)
        self.differences.append("seed %d, operation %d: %s%s\n  request:  %r\n  expected: %r\n  actual:   %r"
                                % (SEED, self.op, what, before, request, expected, actual))

    def call(self, method, kwargs):
        """("ok", response) or ("error", code, message, response)."""
        try:
            return ("ok", method(**kwargs))
        except ClientError as e:
            error = e.response.get("Error", {})
            return ("error", error.get("Code"), error.get("Message", ""), e.response)

    def check_outcome(self, operation, kwargs, expected, result):
        """Compare a write's response with the model's Outcome."""
        label = "%s %s" % (operation, expected.status)
        if expected.status == "ok":
            if result[0] != "ok":
                self.differ(operation + " should succeed", kwargs, "success, Attributes=%r"
                            % (expected.attributes,), result[1:3])
                return
            actual = result[1].get("Attributes")
            if norm_item(actual) != norm_item(expected.attributes):
                self.differ(operation + " returned other Attributes (ReturnValues=%s)" % kwargs.get("ReturnValues"),
                            kwargs, norm_item(expected.attributes), norm_item(actual))
        elif expected.status == "condition":
            if result[0] != "error" or result[1] != "ConditionalCheckFailedException":
                self.differ(operation + " should fail its condition", kwargs, "ConditionalCheckFailedException",
                            result[1:3] if result[0] == "error" else ("success", result[1].get("Attributes")))
                return
            if result[2] != CONDITION_FAILED:
                self.differ(operation + ": message of ConditionalCheckFailedException", kwargs, CONDITION_FAILED,
                            result[2])
            if kwargs.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD":
                if norm_item(result[3].get("Item")) != norm_item(expected.old):
                    self.differ(operation + ": Item of ReturnValuesOnConditionCheckFailure=ALL_OLD", kwargs,
                                norm_item(expected.old), norm_item(result[3].get("Item")))
        else:
            if result[0] != "error" or result[1] != "ValidationException":
                self.differ(operation + " should be refused", kwargs, ("ValidationException", sorted(expected.errors)),
                            result[1:3] if result[0] == "error" else ("success", result[1].get("Attributes")))
                return
            if len(expected.errors) == 1 and next(iter(expected.errors)) not in result[2]:
                self.differ(operation + ": message of ValidationException", kwargs, next(iter(expected.errors)),
                            result[2])
        self.count(label)
        for error in expected.errors:
            self.count(error)

    def check_stored(self, table, key, request):
        """The stored item equals the model's; if not, the model takes Stratus's."""
        actual = self.ddb.get_item(TableName=table.name, Key=key, ConsistentRead=True).get("Item")
        expected = table.get(key)
        if norm_item(actual) != norm_item(expected):
            self.differ("stored item after the request differs", request, norm_item(expected), norm_item(actual))
            table.adopt(key, actual)

    # -- writes -------------------------------------------------------------------------

    def random_key(self, table):
        pool = NUMBER_SORT_KEYS if table.sk_type == "N" else STRING_SORT_KEYS
        return {"pk": {"S": self.rng.choice(PARTITIONS)}, "sk": {table.sk_type: self.rng.choice(pool)}}

    def condition_for(self, old, kwargs, placeholders, want=None):
        cond = self.gen.determinate_condition(old, want=want)
        if cond is not None:
            kwargs["ConditionExpression"] = placeholders.condition(cond)
        return cond

    def maybe_rvoccf(self, kwargs):
        if "ConditionExpression" in kwargs and self.rvoccf and self.rng.random() < 0.3:
            kwargs["ReturnValuesOnConditionCheckFailure"] = self.rng.choice(["ALL_OLD", "NONE"])

    def put_item(self, table, conditional=True):
        rng = self.rng
        key = self.random_key(table)
        item = self.gen.item(key)
        self.before = (table.get(key),)
        placeholders = Placeholders(rng)
        kwargs = {"TableName": table.name, "Item": item}
        cond = None
        if conditional and rng.random() < 0.6:
            cond = self.condition_for(table.get(key), kwargs, placeholders)
            self.maybe_rvoccf(kwargs)
        return_values = rng.choice([None, "NONE", "ALL_OLD"])
        if return_values:
            kwargs["ReturnValues"] = return_values
        placeholders.apply(kwargs)
        expected = table.put(item, cond, return_values)
        self.check_outcome("PutItem", kwargs, expected, self.call(self.ddb.put_item, kwargs))
        self.check_stored(table, key, kwargs)

    def delete_item(self, table):
        rng = self.rng
        key = self.random_key(table)
        placeholders = Placeholders(rng)
        kwargs = {"TableName": table.name, "Key": key}
        self.before = (table.get(key),)
        cond = None
        if rng.random() < 0.6:
            cond = self.condition_for(table.get(key), kwargs, placeholders)
            self.maybe_rvoccf(kwargs)
        return_values = rng.choice([None, "NONE", "ALL_OLD"])
        if return_values:
            kwargs["ReturnValues"] = return_values
        placeholders.apply(kwargs)
        expected = table.delete(key, cond, return_values)
        self.check_outcome("DeleteItem", kwargs, expected, self.call(self.ddb.delete_item, kwargs))
        self.check_stored(table, key, kwargs)

    def update_item(self, table):
        rng = self.rng
        key = self.random_key(table)
        old = table.get(key)
        self.before = (table.get(key),)
        actions = self.gen.update(old)
        _, errors = Table.apply(key, old, actions)
        placeholders = Placeholders(rng)
        kwargs = {"TableName": table.name, "Key": key, "UpdateExpression": placeholders.update(actions)}
        cond = None
        if rng.random() < 0.5:
            # an invalid update gets only a condition that holds: which of the two errors
            # DynamoDB reports when both apply is not documented
            cond = self.condition_for(old, kwargs, placeholders, want=True if errors else None)
            self.maybe_rvoccf(kwargs)
        return_values = rng.choice([None, "NONE", "ALL_OLD", "UPDATED_OLD", "ALL_NEW", "UPDATED_NEW"])
        if return_values:
            kwargs["ReturnValues"] = return_values
        placeholders.apply(kwargs)
        expected = table.update(key, actions, cond, return_values)
        self.check_outcome("UpdateItem", kwargs, expected, self.call(self.ddb.update_item, kwargs))
        self.check_stored(table, key, kwargs)

    # -- reads --------------------------------------------------------------------------

    def query(self, table):
        rng = self.rng
        pk = rng.choice(PARTITIONS)
        partition = [item for (p, _), item in table.items.items() if p == pk]
        key_condition = self.gen.key_condition(table, [item["sk"][table.sk_type] for item in partition])
        filter_condition = None
        if rng.random() < 0.5:
            sample = rng.choice(partition) if partition else None
            filter_condition = self.gen.determinate_condition(sample, allow_keys=False, items=partition)
        forward = rng.random() < 0.5
        limit = rng.choice([None, None, 1, 2, 3, 5, 7])
        placeholders = Placeholders(rng)
        expression = "%s = %s" % (placeholders.path(("pk",)), placeholders.value({"S": pk}))
        if key_condition is not None:
            expression += " %s %s" % (placeholders.keyword("AND"), placeholders.atom(key_condition))
        kwargs = {"TableName": table.name, "KeyConditionExpression": expression, "ConsistentRead": True}
        if filter_condition is not None:
            kwargs["FilterExpression"] = placeholders.condition(filter_condition)
        if not forward:
            kwargs["ScanIndexForward"] = False
        if limit:
            kwargs["Limit"] = limit
        placeholders.apply(kwargs)
        matching, filtered = table.query(pk, key_condition, filter_condition, forward)
        self.count("query")
        request = dict(kwargs)
        pages = []
        while True:
            result = self.call(self.ddb.query, kwargs)
            if result[0] != "ok":
                self.differ("Query failed", request, "success", result[1:3])
                return
            pages.append(result[1])
            start = result[1].get("LastEvaluatedKey")
            if not start or len(pages) > len(matching) + 2:
                break
            kwargs["ExclusiveStartKey"] = start
        items = [item for page in pages for item in page["Items"]]
        if [norm_item(i) for i in items] != [norm_item(i) for i in filtered]:
            self.differ("Query returned other items (in this order)", request,
                        [norm_item(i) for i in filtered], [norm_item(i) for i in items])
            return
        scanned = [page["ScannedCount"] for page in pages]
        counts = [page["Count"] for page in pages]
        if sum(scanned) != len(matching) or sum(counts) != len(filtered) or \
                any(c != len(p["Items"]) for c, p in zip(counts, pages)):
            self.differ("Query's Count/ScannedCount", request, (len(filtered), len(matching)), (counts, scanned))
            return
        if limit is None:
            if len(pages) != 1:
                self.differ("Query without Limit paged", request, "one page", len(pages))
            return
        # pages of exactly Limit evaluated items, each ending at its LastEvaluatedKey; the
        # last may be an empty page after a full one ("LastEvaluatedKey ... does not
        # necessarily mean that there is more data in the result set")
        for i, page in enumerate(pages):
            chunk = matching[i * limit:(i + 1) * limit]
            last_key = page.get("LastEvaluatedKey")
            if last_key is not None:
                expected_key = {"pk": chunk[-1]["pk"], "sk": chunk[-1]["sk"]} if len(chunk) == limit else None
                if norm_item(last_key) != norm_item(expected_key):
                    self.differ("Query page %d's LastEvaluatedKey" % i, request, norm_item(expected_key),
                                norm_item(last_key))
                    return
            elif (i + 1) * limit < len(matching):
                self.differ("Query stopped paging early", request, len(matching), sum(scanned[:i + 1]))
                return
            if page["ScannedCount"] != len(chunk):
                self.differ("Query page %d's ScannedCount (Limit %d)" % (i, limit), request, len(chunk),
                            page["ScannedCount"])
                return

    def scan_whole_table(self, table):
        kwargs = {"TableName": table.name, "ConsistentRead": True, "Limit": self.rng.randint(5, 25)}
        found = {}
        for _ in range(1000):
            page = self.ddb.scan(**kwargs)
            for item in page["Items"]:
                key = table.key_of(item)
                if key in found:
                    self.differ("Scan returned an item twice", kwargs, None, item)
                found[key] = norm_item(item)
            if "LastEvaluatedKey" not in page:
                break
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
        expected = {key: norm_item(item) for key, item in table.items.items()}
        for key in sorted(set(expected) | set(found), key=repr):
            if expected.get(key) != found.get(key):
                self.differ("final Scan of %s: item %r" % (table.name, key), {"TableName": table.name},
                            expected.get(key), found.get(key))


class AbsentItemReturnValuesTest(DifferentialTestCase):
    """An UpdateItem that only REMOVEs attributes of an item that does not exist creates no
    item (Stratus agrees: GetItem finds nothing afterwards), so no ReturnValues mode has
    anything to return. ALL_NEW is "all of the attributes of the item, as they appear after
    the UpdateItem operation" (API reference, UpdateItem, ReturnValues); after this one
    there is no item. The random test meets this case only now and then; this test pins
    every mode."""

    def test_remove_only_update_of_an_absent_item_returns_nothing(self):
        table = self.create_table("S")
        key = {"pk": {"S": "absent"}, "sk": {"S": "item"}}
        for return_values in ["NONE", "ALL_OLD", "UPDATED_OLD", "UPDATED_NEW", "ALL_NEW"]:
            actions = [("REMOVE", ("a",)), ("REMOVE", ("b",))]
            expected = table.update(key, actions, None, return_values)
            self.assertEqual((expected.status, expected.attributes, table.get(key)), ("ok", None, None))
            response = self.ddb.update_item(TableName=table.name, Key=key, UpdateExpression="REMOVE a, b",
                                            ReturnValues=return_values)
            self.assertNotIn("Item", self.ddb.get_item(TableName=table.name, Key=key, ConsistentRead=True))
            self.assertNotIn("Attributes", response, "ReturnValues=%s of an update that created no item"
                             % return_values)


class ExactDecimalTest(DifferentialTestCase):

    def test_adding_a_tenth_ten_times_gives_exactly_one(self):
        table = self.create_table("N")
        key = {"pk": {"S": "tenths"}, "sk": {"N": "1"}}
        tenth = {"N": "0.1"}
        for i in range(10):
            actions = [("ADD", ("n",), tenth)]
            expected = table.update(key, actions, None, "UPDATED_NEW")
            response = self.ddb.update_item(TableName=table.name, Key=key, UpdateExpression="ADD n :tenth",
                                            ExpressionAttributeValues={":tenth": tenth}, ReturnValues="UPDATED_NEW")
            self.assertEqual(norm_item(response["Attributes"]), norm_item(expected.attributes), "step %d" % i)
        self.assertEqual(table.get(key)["n"], {"N": "1"})  # the model: Decimal arithmetic
        stored = self.ddb.get_item(TableName=table.name, Key=key, ConsistentRead=True)["Item"]
        self.assertEqual(stored["n"], {"N": "1"})


if __name__ == "__main__":
    unittest.main()
