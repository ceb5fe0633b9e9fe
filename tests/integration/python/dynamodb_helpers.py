"""Shared helpers for the DynamoDB integration tests (both interpreters)."""

import uuid


def unique(prefix):
    """A name no other test uses: `prefix`, a dash and twelve hex digits."""
    return "%s-%s" % (prefix, uuid.uuid4().hex[:12])


def S(value):
    return {"S": value}


def N(value):
    return {"N": str(value)}


def B(value):
    return {"B": value}


def keys(*pairs):
    """A KeySchema from (attribute name, HASH or RANGE) pairs."""
    return [{"AttributeName": name, "KeyType": kind} for name, kind in pairs]


def definitions(*pairs):
    """AttributeDefinitions from (attribute name, type) pairs."""
    return [{"AttributeName": name, "AttributeType": kind} for name, kind in pairs]
