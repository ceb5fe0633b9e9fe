#!/usr/bin/env python3
"""Writes protocol/models/<service>.json: the botocore service model without its
documentation, merged with the XML names and query error codes of botocore's older
awsQuery model where a service (SQS) moved from awsQuery to awsJson.

Run with the default python3 (boto3 1.43) on a machine that also has Debian's
python3-botocore (1.29, the last with SQS's query model). The output is committed, so
builds need neither."""
import gzip
import json
import os
import sys

import botocore

NEW = os.path.join(os.path.dirname(botocore.__file__), "data")
OLD = "/usr/lib/python3/dist-packages/botocore/data"
SERVICES = {"sqs": "2012-11-05", "sns": "2010-03-31", "elbv2": "2015-12-01", "lambda": "2015-03-31",
            "dynamodb": "2012-08-10", "dynamodbstreams": "2012-08-10"}
# HTTP statuses the AWS API reference documents for errors whose model has none.
ERROR_STATUS = {"sqs": {"ReceiptHandleIsInvalid": 404, "ResourceNotFoundException": 404,
                        "InvalidAddress": 404, "InvalidSecurity": 403}}
KEEP_METADATA = ("apiVersion", "protocol", "jsonVersion", "targetPrefix", "xmlNamespace",
                 "endpointPrefix", "serviceId", "signingName", "awsQueryCompatible")


def load(root, service, version):
    path = os.path.join(root, service, version, "service-2.json")
    if os.path.exists(path + ".gz"):
        return json.load(gzip.open(path + ".gz"))
    if os.path.exists(path):
        return json.load(open(path))
    return None


def strip(node):
    if isinstance(node, dict):
        return {k: strip(v) for k, v in node.items()
                if k not in ("documentation", "documentationUrl", "deprecatedMessage", "examples")}
    if isinstance(node, list):
        return [strip(v) for v in node]
    return node


def overlay_xml_names(new_shapes, old_shapes):
    """Copies locationName/flattened and error traits from the query model."""
    for name, old in old_shapes.items():
        new = new_shapes.get(name)
        if new is None:
            continue
        for key in ("locationName", "flattened", "error"):
            if key in old:
                new[key] = old[key]
        for ref in ("member", "key", "value"):
            if ref in old and ref in new and "locationName" in old[ref]:
                new[ref]["locationName"] = old[ref]["locationName"]
        for member, old_ref in old.get("members", {}).items():
            new_ref = new.get("members", {}).get(member)
            if new_ref is None:
                continue
            for key in ("locationName", "flattened"):
                if key in old_ref:
                    new_ref[key] = old_ref[key]


def build(service, version):
    model = strip(load(NEW, service, version))
    old = load(OLD, service, version)
    if old is not None and old["metadata"]["protocol"] == "query" \
            and model["metadata"]["protocol"] != "query":
        old = strip(old)
        overlay_xml_names(model["shapes"], old["shapes"])
        model["metadata"]["xmlNamespace"] = old["metadata"]["xmlNamespace"]
        for op_name, op in model["operations"].items():
            old_op = old["operations"].get(op_name)
            wrapper = (old_op or {}).get("output", {}).get("resultWrapper")
            if "output" in op:
                op["output"]["resultWrapper"] = wrapper or op_name + "Result"
    for shape_name, status in ERROR_STATUS.get(service, {}).items():
        shape = model["shapes"][shape_name]
        shape.setdefault("error", {"senderFault": True})["httpStatusCode"] = status
    model["metadata"] = {k: v for k, v in model["metadata"].items() if k in KEEP_METADATA}
    for op in model["operations"].values():
        for key in ("documentation", "http", "authtype", "auth", "endpoint", "httpChecksum",
                    "staticContextParams", "requestcompression", "unsignedPayload"):
            if key != "http":
                op.pop(key, None)
    return model


def main():
    out_dir = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "protocol", "models")
    for service, version in SERVICES.items():
        model = build(service, version)
        with open(os.path.join(out_dir, service + ".json"), "w") as out:
            json.dump(model, out, separators=(",", ":"), sort_keys=True)
            out.write("\n")
        print(service, len(model["operations"]), "operations", file=sys.stderr)


if __name__ == "__main__":
    main()
