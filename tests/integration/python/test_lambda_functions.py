"""Lambda control plane: functions, code and configuration updates, versions, aliases,
concurrency, resource policies, tags, event invoke configs and account settings.

Assertions are what AWS Lambda returns (botocore's lambda/2015-03-31 model and the
Lambda API reference decide). Functions here are mostly created without being invoked;
the few invokes check that a change reached the code that runs.
"""

import datetime
import json
import unittest

try:
    from . import lambda_helpers as h
except ImportError:
    import lambda_helpers as h

VERSIONED_PY = """\
import os
WHICH = %r
def handler(event, context):
    return {"which": WHICH, "greeting": os.environ.get("GREETING"),
            "version": context.function_version}
"""


def versioned_zip(which):
    return h.make_zip({"app.py": VERSIONED_PY % which})


class CreateFunctionTest(h.LambdaTestCase):

    def test_create_function_fields(self):
        name = h.unique()
        zip_bytes = h.make_zip({"app.py": h.ECHO_PY})
        resp = self.lam.create_function(FunctionName=name, Runtime=h.PYTHON_RUNTIME,
                                        Role=h.ROLE, Handler="app.handler",
                                        Code={"ZipFile": zip_bytes})
        self.assertEqual(resp["ResponseMetadata"]["HTTPStatusCode"], 201)
        self.assertEqual(resp["FunctionName"], name)
        self.assertEqual(resp["FunctionArn"], h.function_arn(name))
        self.assertEqual(resp["Runtime"], h.PYTHON_RUNTIME)
        self.assertEqual(resp["Role"], h.ROLE)
        self.assertEqual(resp["Handler"], "app.handler")
        self.assertEqual(resp["CodeSha256"], h.sha256_b64(zip_bytes))
        self.assertEqual(resp["CodeSize"], len(zip_bytes))
        self.assertEqual(resp["Timeout"], 3)
        self.assertEqual(resp["MemorySize"], 128)
        self.assertEqual(resp["Version"], "$LATEST")
        self.assertEqual(resp["PackageType"], "Zip")
        self.assertEqual(resp["Architectures"], ["x86_64"])
        self.assertEqual(resp["Description"], "")
        self.assertEqual(resp["TracingConfig"], {"Mode": "PassThrough"})
        self.assertEqual(resp["EphemeralStorage"], {"Size": 512})
        self.assertRegex(resp["LastModified"], h.LAST_MODIFIED_RE)
        self.assertRegex(resp["RevisionId"], h.UUID_RE)
        # A new function is still being created when CreateFunction answers.
        self.assertEqual(resp["State"], "Pending")
        self.assertEqual(resp["StateReasonCode"], "Creating")

        self.wait_active(name)
        got = self.lam.get_function(FunctionName=name)
        config = got["Configuration"]
        self.assertEqual(config["State"], "Active")
        self.assertEqual(config["LastUpdateStatus"], "Successful")
        self.assertEqual(config["FunctionArn"], h.function_arn(name))
        self.assertEqual(config["CodeSha256"], h.sha256_b64(zip_bytes))
        self.assertEqual(config["CodeSize"], len(zip_bytes))
        self.assertEqual(config["RevisionId"], resp["RevisionId"])
        self.assertEqual(got["Code"]["RepositoryType"], "S3")
        self.assertTrue(got["Code"]["Location"].startswith("http"), got["Code"])

    def test_function_active_waiter(self):
        name = h.unique()
        self.create_function(name, wait=False)
        waiter = self.lam.get_waiter("function_active_v2")
        waiter.wait(FunctionName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 10})
        self.assertEqual(self.lam.get_function_configuration(FunctionName=name)["State"], "Active")

    def test_create_with_settings(self):
        name = h.unique()
        resp = self.create_function(
            name, Timeout=30, MemorySize=512, Description="with settings",
            Architectures=["arm64"], Environment={"Variables": {"A": "1", "B": "two"}},
            Tags={"team": "core"})
        self.assertEqual(resp["Timeout"], 30)
        self.assertEqual(resp["MemorySize"], 512)
        self.assertEqual(resp["Description"], "with settings")
        self.assertEqual(resp["Architectures"], ["arm64"])
        self.assertEqual(resp["Environment"], {"Variables": {"A": "1", "B": "two"}})
        config = self.lam.get_function_configuration(FunctionName=name)
        self.assertEqual(config["Environment"], {"Variables": {"A": "1", "B": "two"}})
        self.assertEqual(config["Architectures"], ["arm64"])
        self.assertEqual(self.lam.get_function(FunctionName=name)["Tags"], {"team": "core"})

    def test_create_and_publish(self):
        name = h.unique()
        resp = self.create_function(name, Publish=True)
        self.assertEqual(resp["Version"], "1")
        self.assertEqual(resp["FunctionArn"], h.function_arn(name) + ":1")
        versions = self.lam.list_versions_by_function(FunctionName=name)["Versions"]
        self.assertEqual([v["Version"] for v in versions], ["$LATEST", "1"])

    def test_duplicate_name(self):
        name = h.unique()
        self.create_function(name)
        with self.assertAwsError("ResourceConflictException", 409,
                                 "Function already exist: " + name):
            self.create_function(name, wait=False)

    def test_runtime_and_handler_are_required(self):
        message = ("Runtime and Handler are mandatory parameters for functions created with "
                   "deployment packages.")
        zip_bytes = h.make_zip({"app.py": h.ECHO_PY})
        with self.assertAwsError("InvalidParameterValueException", 400, message):
            self.lam.create_function(FunctionName=h.unique(), Role=h.ROLE, Handler="app.handler",
                                     Code={"ZipFile": zip_bytes})
        with self.assertAwsError("InvalidParameterValueException", 400, message):
            self.lam.create_function(FunctionName=h.unique(), Role=h.ROLE,
                                     Runtime=h.PYTHON_RUNTIME, Code={"ZipFile": zip_bytes})

    def test_bad_zip(self):
        name = h.unique()
        with self.assertAwsError("InvalidParameterValueException", 400,
                                 "Could not unzip uploaded file. Please check your file, "
                                 "then try to upload again."):
            self.create_function(name, zip_bytes=b"this is not a zip file", wait=False)
        with self.assertAwsError("ResourceNotFoundException", 404):
            self.lam.get_function(FunctionName=name)

    def test_package_paths_cannot_leave_their_folder(self):
        import io
        import os
        import tempfile
        import zipfile
        marker = "stratus-escape-%s" % h.unique()
        for path in ("../" + marker, "/tmp/" + marker, "a/../../" + marker):
            package = io.BytesIO()
            with zipfile.ZipFile(package, "w") as z:
                z.writestr("app.py", h.ECHO_PY)
                z.writestr(path, "escaped")
            with self.assertAwsError("InvalidParameterValueException", 400, "Could not unzip uploaded file"):
                self.create_function(zip_bytes=package.getvalue(), wait=False)
        self.assertFalse(os.path.exists(os.path.join(tempfile.gettempdir(), marker)))

    def test_reserved_environment_variable_on_create(self):
        with self.assertAwsError("InvalidParameterValueException", 400,
                                 "Reserved keys used in this request: AWS_REGION"):
            self.create_function(wait=False, Environment={"Variables": {"AWS_REGION": "eu-west-1"}})

    def test_invalid_function_name(self):
        with self.assertAwsError("ValidationException", 400, "functionName"):
            self.create_function("bad name!", wait=False)

    def test_not_found(self):
        name = h.unique("missing")
        message = "Function not found: " + h.function_arn(name)
        with self.assertAwsError("ResourceNotFoundException", 404, message):
            self.lam.get_function(FunctionName=name)
        with self.assertAwsError("ResourceNotFoundException", 404, message):
            self.lam.get_function_configuration(FunctionName=name)
        with self.assertAwsError("ResourceNotFoundException", 404, message):
            self.lam.invoke(FunctionName=name, Payload=b"{}")
        with self.assertAwsError("ResourceNotFoundException", 404, message):
            self.lam.update_function_configuration(FunctionName=name, Timeout=5)
        with self.assertAwsError("ResourceNotFoundException", 404, message):
            self.lam.update_function_code(FunctionName=name,
                                          ZipFile=h.make_zip({"app.py": h.ECHO_PY}))
        with self.assertAwsError("ResourceNotFoundException", 404, message):
            self.lam.delete_function(FunctionName=name)
        with self.assertAwsError("ResourceNotFoundException", 404, message):
            self.lam.publish_version(FunctionName=name)

    def test_unknown_version_not_found(self):
        name = h.unique()
        self.create_function(name)
        with self.assertAwsError("ResourceNotFoundException", 404,
                                 "Function not found: " + h.function_arn(name) + ":7"):
            self.lam.get_function(FunctionName=name, Qualifier="7")


class GetAndListFunctionsTest(h.LambdaTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.name = h.unique("get")
        cls.lam.create_function(FunctionName=cls.name, Runtime=h.PYTHON_RUNTIME, Role=h.ROLE,
                                Handler="app.handler",
                                Code={"ZipFile": h.make_zip({"app.py": h.ECHO_PY})})
        cls.lam.publish_version(FunctionName=cls.name, Description="first")

    def test_get_by_name_arn_and_partial_arn(self):
        arn = h.function_arn(self.name)
        for ref in (self.name, arn, "%s:function:%s" % (h.DEFAULT_ACCOUNT, self.name)):
            config = self.lam.get_function(FunctionName=ref)["Configuration"]
            self.assertEqual(config["FunctionArn"], arn, ref)
            self.assertEqual(config["Version"], "$LATEST", ref)
            config = self.lam.get_function_configuration(FunctionName=ref)
            self.assertEqual(config["FunctionName"], self.name, ref)

    def test_get_with_qualifier(self):
        arn = h.function_arn(self.name)
        for kwargs in ({"FunctionName": self.name + ":1"},
                       {"FunctionName": arn + ":1"},
                       {"FunctionName": self.name, "Qualifier": "1"}):
            config = self.lam.get_function(**kwargs)["Configuration"]
            self.assertEqual(config["Version"], "1", kwargs)
            self.assertEqual(config["FunctionArn"], arn + ":1", kwargs)
            self.assertEqual(config["Description"], "first", kwargs)
        latest = self.lam.get_function_configuration(FunctionName=self.name, Qualifier="$LATEST")
        self.assertEqual(latest["Version"], "$LATEST")
        self.assertEqual(latest["FunctionArn"], arn)

    def test_qualifier_mismatch(self):
        with self.assertAwsError("InvalidParameterValueException", 400):
            self.lam.get_function(FunctionName=self.name + ":1", Qualifier="2")

    def test_list_functions_paging(self):
        names = {self.name}
        for _ in range(3):
            name = h.unique("list")
            self.create_function(name, wait=False)
            names.add(name)
        seen = []
        marker = None
        pages = 0
        while True:
            kwargs = {"MaxItems": 1}
            if marker:
                kwargs["Marker"] = marker
            page = self.lam.list_functions(**kwargs)
            pages += 1
            self.assertLessEqual(len(page["Functions"]), 1)
            seen += [f["FunctionName"] for f in page["Functions"]]
            marker = page.get("NextMarker")
            if not marker:
                break
            self.assertLess(pages, 100)
        self.assertEqual(len(seen), len(set(seen)), seen)
        self.assertTrue(names <= set(seen), (names, seen))
        for f in self.lam.list_functions()["Functions"]:
            if f["FunctionName"] == self.name:
                self.assertEqual(f["Version"], "$LATEST")
                self.assertEqual(f["FunctionArn"], h.function_arn(self.name))
                self.assertEqual(f["Runtime"], h.PYTHON_RUNTIME)

        # the paginator walks the same pages
        paged = [f["FunctionName"] for page in self.lam.get_paginator("list_functions")
                 .paginate(PaginationConfig={"PageSize": 2}) for f in page["Functions"]]
        self.assertEqual(sorted(paged), sorted(seen))

    def test_list_all_versions(self):
        functions = self.lam.list_functions(FunctionVersion="ALL")["Functions"]
        ours = sorted(f["Version"] for f in functions if f["FunctionName"] == self.name)
        self.assertEqual(ours, ["$LATEST", "1"])
        default = self.lam.list_functions()["Functions"]
        self.assertEqual([f["Version"] for f in default if f["FunctionName"] == self.name],
                         ["$LATEST"])

    def test_functions_are_per_account_and_region(self):
        other_account = self.lambda_client(access_key="111122223333")
        other_region = self.lambda_client(region="eu-west-1")
        for client in (other_account, other_region):
            names = [f["FunctionName"] for f in client.list_functions()["Functions"]]
            self.assertNotIn(self.name, names)
            with self.assertAwsError("ResourceNotFoundException", 404):
                client.get_function(FunctionName=self.name)
        name = h.unique("acct")
        resp = self.create_function(name, client=other_account)
        self.assertEqual(resp["FunctionArn"], h.function_arn(name, account="111122223333"))
        resp = self.create_function(name, client=other_region)
        self.assertEqual(resp["FunctionArn"], h.function_arn(name, region="eu-west-1"))


class UpdateFunctionTest(h.LambdaTestCase):

    def test_update_code(self):
        name = h.unique()
        first = versioned_zip("one")
        created = self.create_function(name, zip_bytes=first)
        self.assertEqual(self.invoke_ok(name)["which"], "one")

        second = versioned_zip("two")
        resp = self.lam.update_function_code(FunctionName=name, ZipFile=second)
        self.assertEqual(resp["ResponseMetadata"]["HTTPStatusCode"], 200)
        self.assertEqual(resp["CodeSha256"], h.sha256_b64(second))
        self.assertNotEqual(resp["CodeSha256"], created["CodeSha256"])
        self.assertEqual(resp["CodeSize"], len(second))
        self.assertEqual(resp["LastUpdateStatus"], "InProgress")
        self.assertNotEqual(resp["RevisionId"], created["RevisionId"])

        self.wait_updated(name)
        config = self.lam.get_function_configuration(FunctionName=name)
        self.assertEqual(config["LastUpdateStatus"], "Successful")
        self.assertEqual(config["CodeSha256"], h.sha256_b64(second))
        self.assertEqual(self.invoke_ok(name)["which"], "two")

    def test_update_code_dry_run(self):
        name = h.unique()
        first = versioned_zip("one")
        self.create_function(name, zip_bytes=first)
        second = versioned_zip("two")
        resp = self.lam.update_function_code(FunctionName=name, ZipFile=second, DryRun=True)
        self.assertEqual(resp["CodeSha256"], h.sha256_b64(second))
        config = self.lam.get_function_configuration(FunctionName=name)
        self.assertEqual(config["CodeSha256"], h.sha256_b64(first))
        self.assertEqual(self.invoke_ok(name)["which"], "one")

    def test_update_code_bad_zip(self):
        name = h.unique()
        self.create_function(name)
        with self.assertAwsError("InvalidParameterValueException", 400):
            self.lam.update_function_code(FunctionName=name, ZipFile=b"garbage")

    def test_update_configuration(self):
        name = h.unique()
        self.create_function(name, zip_bytes=versioned_zip("one"),
                             Environment={"Variables": {"GREETING": "hello"}})
        self.assertEqual(self.invoke_ok(name)["greeting"], "hello")

        resp = self.lam.update_function_configuration(
            FunctionName=name, Timeout=10, MemorySize=256, Description="updated",
            Environment={"Variables": {"GREETING": "hola", "OTHER": "x"}})
        self.assertEqual(resp["ResponseMetadata"]["HTTPStatusCode"], 200)
        self.assertEqual(resp["Timeout"], 10)
        self.assertEqual(resp["MemorySize"], 256)
        self.assertEqual(resp["Description"], "updated")
        self.assertEqual(resp["Environment"], {"Variables": {"GREETING": "hola", "OTHER": "x"}})
        self.assertEqual(resp["LastUpdateStatus"], "InProgress")

        self.wait_updated(name)
        config = self.lam.get_function_configuration(FunctionName=name)
        self.assertEqual(config["LastUpdateStatus"], "Successful")
        self.assertEqual(config["Timeout"], 10)
        self.assertEqual(config["MemorySize"], 256)
        # the function sees the new variables on its next invocation
        self.assertEqual(self.invoke_ok(name)["greeting"], "hola")

        # unchanged members stay as they were
        resp = self.lam.update_function_configuration(FunctionName=name, Description="again")
        self.assertEqual(resp["Timeout"], 10)
        self.assertEqual(resp["Environment"], {"Variables": {"GREETING": "hola", "OTHER": "x"}})

    def test_update_handler(self):
        name = h.unique()
        files = {"app.py": h.ECHO_PY,
                 "other.py": "def handler(event, context):\n    return 'other'\n"}
        self.create_function(name, files=files)
        self.assertEqual(self.invoke_ok(name, {"a": 1}), {"echo": {"a": 1}})
        self.lam.update_function_configuration(FunctionName=name, Handler="other.handler")
        self.wait_updated(name)
        self.assertEqual(self.invoke_ok(name, {"a": 1}), "other")

    def test_reserved_environment_variables_rejected(self):
        name = h.unique()
        self.create_function(name)
        for key in ("AWS_REGION", "AWS_LAMBDA_FUNCTION_NAME", "_HANDLER", "AWS_ACCESS_KEY_ID"):
            with self.assertAwsError("InvalidParameterValueException", 400,
                                     "Reserved keys used in this request: " + key):
                self.lam.update_function_configuration(
                    FunctionName=name, Environment={"Variables": {key: "x", "FINE": "y"}})
        self.assertNotIn("Environment", self.lam.get_function_configuration(FunctionName=name))

    def test_revision_id_mismatch(self):
        name = h.unique()
        created = self.create_function(name)
        wrong = "11111111-2222-3333-4444-555555555555"
        with self.assertAwsError("PreconditionFailedException", 412):
            self.lam.update_function_configuration(FunctionName=name, Timeout=9, RevisionId=wrong)
        with self.assertAwsError("PreconditionFailedException", 412):
            self.lam.update_function_code(FunctionName=name, ZipFile=versioned_zip("x"),
                                          RevisionId=wrong)
        with self.assertAwsError("PreconditionFailedException", 412):
            self.lam.publish_version(FunctionName=name, RevisionId=wrong)
        self.assertEqual(self.lam.get_function_configuration(FunctionName=name)["Timeout"], 3)

        # the current revision id is accepted, and each change makes a new one
        resp = self.lam.update_function_configuration(FunctionName=name, Timeout=9,
                                                      RevisionId=created["RevisionId"])
        self.assertNotEqual(resp["RevisionId"], created["RevisionId"])
        self.wait_updated(name)
        with self.assertAwsError("PreconditionFailedException", 412):
            self.lam.update_function_configuration(FunctionName=name, Timeout=8,
                                                   RevisionId=created["RevisionId"])
        current = self.lam.get_function_configuration(FunctionName=name)["RevisionId"]
        self.assertEqual(self.lam.update_function_configuration(
            FunctionName=name, Timeout=8, RevisionId=current)["Timeout"], 8)


class VersionsAndAliasesTest(h.LambdaTestCase):

    def make_versions(self, count):
        """A function with `count` published versions; version n returns which="vn"."""
        name = h.unique()
        self.create_function(name, zip_bytes=versioned_zip("v1"))
        for n in range(1, count + 1):
            if n > 1:
                self.lam.update_function_code(FunctionName=name, ZipFile=versioned_zip("v%d" % n))
                self.wait_updated(name)
            self.assertEqual(self.lam.publish_version(FunctionName=name)["Version"], str(n))
        return name

    def test_publish_version(self):
        name = h.unique()
        zip_bytes = versioned_zip("v1")
        created = self.create_function(name, zip_bytes=zip_bytes)
        v1 = self.lam.publish_version(FunctionName=name, Description="first release")
        self.assertEqual(v1["ResponseMetadata"]["HTTPStatusCode"], 201)
        self.assertEqual(v1["Version"], "1")
        self.assertEqual(v1["FunctionArn"], h.function_arn(name) + ":1")
        self.assertEqual(v1["FunctionName"], name)
        self.assertEqual(v1["Description"], "first release")
        self.assertEqual(v1["CodeSha256"], created["CodeSha256"])
        self.assertEqual(v1["Runtime"], h.PYTHON_RUNTIME)

        # publishing an unchanged $LATEST gives back the same version
        again = self.lam.publish_version(FunctionName=name)
        self.assertEqual(again["Version"], "1")
        self.assertEqual(again["FunctionArn"], h.function_arn(name) + ":1")

        self.lam.update_function_configuration(FunctionName=name,
                                               Environment={"Variables": {"GREETING": "v2"}})
        self.wait_updated(name)
        v2 = self.lam.publish_version(FunctionName=name)
        self.assertEqual(v2["Version"], "2")
        self.assertEqual(v2["Environment"], {"Variables": {"GREETING": "v2"}})

        versions = self.lam.list_versions_by_function(FunctionName=name)["Versions"]
        self.assertEqual([v["Version"] for v in versions], ["$LATEST", "1", "2"])
        self.assertEqual(versions[1]["FunctionArn"], h.function_arn(name) + ":1")

        # versions are immutable: a change to $LATEST does not reach them
        self.lam.update_function_configuration(FunctionName=name, Timeout=20)
        self.wait_updated(name)
        self.assertEqual(self.lam.get_function_configuration(FunctionName=name, Qualifier="1")
                         ["Timeout"], 3)
        self.assertEqual(self.lam.get_function_configuration(FunctionName=name)["Timeout"], 20)

    def test_list_versions_paging(self):
        name = self.make_versions(3)
        seen, marker = [], None
        while True:
            kwargs = {"FunctionName": name, "MaxItems": 2}
            if marker:
                kwargs["Marker"] = marker
            page = self.lam.list_versions_by_function(**kwargs)
            self.assertLessEqual(len(page["Versions"]), 2)
            seen += [v["Version"] for v in page["Versions"]]
            marker = page.get("NextMarker")
            if not marker:
                break
        self.assertEqual(seen, ["$LATEST", "1", "2", "3"])

    def test_publish_code_sha_mismatch(self):
        name = h.unique()
        self.create_function(name)
        with self.assertAwsError("InvalidParameterValueException", 400):
            self.lam.publish_version(FunctionName=name, CodeSha256="bm90IHRoZSBzaGE=")

    def test_invoke_versions(self):
        name = self.make_versions(2)
        self.lam.update_function_code(FunctionName=name, ZipFile=versioned_zip("latest"))
        self.wait_updated(name)
        for qualifier, which, executed in ((None, "latest", "$LATEST"), ("$LATEST", "latest", "$LATEST"),
                                           ("1", "v1", "1"), ("2", "v2", "2")):
            kwargs = {"Qualifier": qualifier} if qualifier else {}
            resp, payload = self.invoke(name, {}, **kwargs)
            self.assertEqual(resp["StatusCode"], 200)
            self.assertEqual(payload["which"], which, qualifier)
            self.assertEqual(payload["version"], executed, qualifier)
            self.assertEqual(resp["ExecutedVersion"], executed, qualifier)
        with self.assertAwsError("ResourceNotFoundException", 404):
            self.lam.invoke(FunctionName=name, Qualifier="9")

    def test_aliases(self):
        name = self.make_versions(2)
        arn = h.function_arn(name)
        alias = self.lam.create_alias(FunctionName=name, Name="live", FunctionVersion="1",
                                      Description="production")
        self.assertEqual(alias["ResponseMetadata"]["HTTPStatusCode"], 201)
        self.assertEqual(alias["AliasArn"], arn + ":live")
        self.assertEqual(alias["Name"], "live")
        self.assertEqual(alias["FunctionVersion"], "1")
        self.assertEqual(alias["Description"], "production")
        self.assertRegex(alias["RevisionId"], h.UUID_RE)

        got = self.lam.get_alias(FunctionName=name, Name="live")
        for key in ("AliasArn", "Name", "FunctionVersion", "Description", "RevisionId"):
            self.assertEqual(got[key], alias[key], key)

        # invoking through the alias runs the version it names
        resp, payload = self.invoke(name, {}, Qualifier="live")
        self.assertEqual(payload["which"], "v1")
        self.assertEqual(resp["ExecutedVersion"], "1")
        resp, payload = self.invoke(name + ":live", {})
        self.assertEqual(payload["which"], "v1")

        updated = self.lam.update_alias(FunctionName=name, Name="live", FunctionVersion="2")
        self.assertEqual(updated["FunctionVersion"], "2")
        self.assertEqual(updated["Description"], "production")
        self.assertNotEqual(updated["RevisionId"], alias["RevisionId"])
        resp, payload = self.invoke(name, {}, Qualifier="live")
        self.assertEqual(payload["which"], "v2")
        self.assertEqual(resp["ExecutedVersion"], "2")

        self.lam.create_alias(FunctionName=name, Name="beta", FunctionVersion="$LATEST")
        listed = self.lam.list_aliases(FunctionName=name)["Aliases"]
        self.assertEqual(sorted(a["Name"] for a in listed), ["beta", "live"])
        by_version = self.lam.list_aliases(FunctionName=name, FunctionVersion="2")["Aliases"]
        self.assertEqual([a["Name"] for a in by_version], ["live"])
        # an alias is a qualifier everywhere a function is named
        config = self.lam.get_function_configuration(FunctionName=name, Qualifier="live")
        self.assertEqual(config["Version"], "2")

        delete = self.lam.delete_alias(FunctionName=name, Name="beta")
        self.assertEqual(delete["ResponseMetadata"]["HTTPStatusCode"], 204)
        with self.assertAwsError("ResourceNotFoundException", 404):
            self.lam.get_alias(FunctionName=name, Name="beta")
        self.assertEqual([a["Name"] for a in self.lam.list_aliases(FunctionName=name)["Aliases"]],
                         ["live"])

    def test_alias_errors(self):
        name = self.make_versions(1)
        self.lam.create_alias(FunctionName=name, Name="prod", FunctionVersion="1")
        with self.assertAwsError("ResourceConflictException", 409):
            self.lam.create_alias(FunctionName=name, Name="prod", FunctionVersion="1")
        with self.assertAwsError("ResourceNotFoundException", 404):
            self.lam.create_alias(FunctionName=name, Name="future", FunctionVersion="5")
        with self.assertAwsError("ResourceNotFoundException", 404):
            self.lam.get_alias(FunctionName=name, Name="nope")
        with self.assertAwsError("ResourceNotFoundException", 404):
            self.lam.update_alias(FunctionName=name, Name="nope", FunctionVersion="1")
        with self.assertAwsError("ResourceNotFoundException", 404):
            self.lam.invoke(FunctionName=name, Qualifier="nope", Payload=b"{}")
        with self.assertAwsError("PreconditionFailedException", 412):
            self.lam.update_alias(FunctionName=name, Name="prod", Description="x",
                                  RevisionId="11111111-2222-3333-4444-555555555555")
        # the version an alias names cannot be deleted
        with self.assertAwsError("ResourceConflictException", 409):
            self.lam.delete_function(FunctionName=name, Qualifier="1")

    def test_alias_routing_config(self):
        name = self.make_versions(2)
        alias = self.lam.create_alias(FunctionName=name, Name="canary", FunctionVersion="1",
                                      RoutingConfig={"AdditionalVersionWeights": {"2": 0.25}})
        self.assertEqual(alias["RoutingConfig"], {"AdditionalVersionWeights": {"2": 0.25}})
        got = self.lam.get_alias(FunctionName=name, Name="canary")
        self.assertEqual(got["RoutingConfig"], {"AdditionalVersionWeights": {"2": 0.25}})
        # every call runs one of the two versions
        for _ in range(4):
            resp, payload = self.invoke(name, {}, Qualifier="canary")
            self.assertIn(resp["ExecutedVersion"], ("1", "2"))
            self.assertEqual(payload["which"], "v" + resp["ExecutedVersion"])

    def test_delete_version(self):
        name = self.make_versions(2)
        resp = self.lam.delete_function(FunctionName=name, Qualifier="1")
        self.assertEqual(resp["ResponseMetadata"]["HTTPStatusCode"], 204)
        versions = self.lam.list_versions_by_function(FunctionName=name)["Versions"]
        self.assertEqual([v["Version"] for v in versions], ["$LATEST", "2"])
        with self.assertAwsError("ResourceNotFoundException", 404):
            self.lam.get_function(FunctionName=name, Qualifier="1")
        self.assertEqual(self.lam.get_function(FunctionName=name, Qualifier="2")
                         ["Configuration"]["Version"], "2")
        # version numbers are never reused
        self.lam.update_function_code(FunctionName=name, ZipFile=versioned_zip("v3"))
        self.wait_updated(name)
        self.assertEqual(self.lam.publish_version(FunctionName=name)["Version"], "3")

    def test_latest_cannot_be_deleted_alone(self):
        name = h.unique()
        self.create_function(name)
        with self.assertAwsError("InvalidParameterValueException", 400,
                                 "$LATEST version cannot be deleted without deleting the function."):
            self.lam.delete_function(FunctionName=name, Qualifier="$LATEST")
        self.lam.get_function(FunctionName=name)

    def test_delete_function(self):
        name = self.make_versions(1)
        self.lam.create_alias(FunctionName=name, Name="live", FunctionVersion="1")
        self.invoke_ok(name, {})
        resp = self.lam.delete_function(FunctionName=name)
        self.assertEqual(resp["ResponseMetadata"]["HTTPStatusCode"], 204)
        for kwargs in ({}, {"Qualifier": "1"}, {"Qualifier": "live"}):
            with self.assertAwsError("ResourceNotFoundException", 404):
                self.lam.get_function(FunctionName=name, **kwargs)
        with self.assertAwsError("ResourceNotFoundException", 404):
            self.lam.invoke(FunctionName=name, Payload=b"{}")
        self.assertNotIn(name, [f["FunctionName"] for f in
                                self.lam.list_functions(FunctionVersion="ALL")["Functions"]])
        with self.assertAwsError("ResourceNotFoundException", 404):
            self.lam.delete_function(FunctionName=name)
        # the name is free again
        self.create_function(name)


class ConcurrencyAndAccountTest(h.LambdaTestCase):

    def test_function_concurrency(self):
        # an account of its own: no other test's reservations in its numbers
        lam = self.lambda_client(access_key="222233334444")
        name = h.unique()
        self.create_function(name, client=lam)
        before = lam.get_account_settings()
        limit = before["AccountLimit"]
        self.assertGreater(limit["ConcurrentExecutions"], 0)
        self.assertEqual(limit["UnreservedConcurrentExecutions"], limit["ConcurrentExecutions"])

        self.assertNotIn("ReservedConcurrentExecutions",
                         lam.get_function_concurrency(FunctionName=name))
        self.assertNotIn("Concurrency", lam.get_function(FunctionName=name))

        put = lam.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=5)
        self.assertEqual(put["ReservedConcurrentExecutions"], 5)
        self.assertEqual(lam.get_function_concurrency(FunctionName=name)
                         ["ReservedConcurrentExecutions"], 5)
        self.assertEqual(lam.get_function(FunctionName=name)["Concurrency"],
                         {"ReservedConcurrentExecutions": 5})
        during = lam.get_account_settings()["AccountLimit"]
        self.assertEqual(during["UnreservedConcurrentExecutions"],
                         limit["UnreservedConcurrentExecutions"] - 5)
        # concurrency is counted per account (and region): other accounts keep theirs
        for other in (self.lam, self.lambda_client(access_key="222233334444", region="eu-west-1")):
            other_limit = other.get_account_settings()["AccountLimit"]
            self.assertEqual(other_limit["UnreservedConcurrentExecutions"],
                             other_limit["ConcurrentExecutions"])

        # replacing the value, not adding to it
        lam.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=7)
        self.assertEqual(lam.get_account_settings()["AccountLimit"]
                         ["UnreservedConcurrentExecutions"],
                         limit["UnreservedConcurrentExecutions"] - 7)

        resp = lam.delete_function_concurrency(FunctionName=name)
        self.assertEqual(resp["ResponseMetadata"]["HTTPStatusCode"], 204)
        self.assertNotIn("ReservedConcurrentExecutions",
                         lam.get_function_concurrency(FunctionName=name))
        self.assertEqual(lam.get_account_settings()["AccountLimit"]
                         ["UnreservedConcurrentExecutions"],
                         limit["UnreservedConcurrentExecutions"])

    def test_concurrency_keeps_unreserved_minimum(self):
        name = h.unique()
        self.create_function(name)
        limit = self.lam.get_account_settings()["AccountLimit"]
        too_much = limit["UnreservedConcurrentExecutions"] - 99
        with self.assertAwsError("InvalidParameterValueException", 400,
                                 "UnreservedConcurrentExecution below its minimum value of [100]"):
            self.lam.put_function_concurrency(FunctionName=name,
                                              ReservedConcurrentExecutions=too_much)
        self.assertNotIn("ReservedConcurrentExecutions",
                         self.lam.get_function_concurrency(FunctionName=name))
        # exactly the minimum left unreserved is fine
        ok = limit["UnreservedConcurrentExecutions"] - 100
        self.assertEqual(self.lam.put_function_concurrency(
            FunctionName=name, ReservedConcurrentExecutions=ok)["ReservedConcurrentExecutions"], ok)
        self.lam.delete_function_concurrency(FunctionName=name)

    def test_deleting_function_releases_concurrency(self):
        name = h.unique()
        self.create_function(name)
        limit = self.lam.get_account_settings()["AccountLimit"]
        self.lam.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=3)
        self.lam.delete_function(FunctionName=name)
        self.assertEqual(self.lam.get_account_settings()["AccountLimit"]
                         ["UnreservedConcurrentExecutions"],
                         limit["UnreservedConcurrentExecutions"])

    def test_account_settings(self):
        client = self.lambda_client(access_key="444455556666")
        empty = client.get_account_settings()
        self.assertEqual(empty["AccountUsage"]["FunctionCount"], 0)
        self.assertEqual(empty["AccountUsage"]["TotalCodeSize"], 0)
        for key in ("TotalCodeSize", "CodeSizeUnzipped", "CodeSizeZipped",
                    "ConcurrentExecutions", "UnreservedConcurrentExecutions"):
            self.assertIn(key, empty["AccountLimit"])
        zip_bytes = h.make_zip({"app.py": h.ECHO_PY})
        self.create_function(zip_bytes=zip_bytes, client=client)
        self.create_function(zip_bytes=zip_bytes, client=client)
        usage = client.get_account_settings()["AccountUsage"]
        self.assertEqual(usage["FunctionCount"], 2)
        self.assertEqual(usage["TotalCodeSize"], 2 * len(zip_bytes))


class PermissionsTest(h.LambdaTestCase):

    def test_add_get_remove_permission(self):
        name = h.unique()
        self.create_function(name)
        arn = h.function_arn(name)
        with self.assertAwsError("ResourceNotFoundException", 404):
            self.lam.get_policy(FunctionName=name)

        resp = self.lam.add_permission(FunctionName=name, StatementId="s3-invoke",
                                       Action="lambda:InvokeFunction",
                                       Principal="s3.amazonaws.com",
                                       SourceArn="arn:aws:s3:::my-bucket",
                                       SourceAccount=h.DEFAULT_ACCOUNT)
        self.assertEqual(resp["ResponseMetadata"]["HTTPStatusCode"], 201)
        statement = json.loads(resp["Statement"])
        self.assertEqual(statement["Sid"], "s3-invoke")
        self.assertEqual(statement["Effect"], "Allow")
        self.assertEqual(statement["Principal"], {"Service": "s3.amazonaws.com"})
        self.assertEqual(statement["Action"], "lambda:InvokeFunction")
        self.assertEqual(statement["Resource"], arn)
        self.assertEqual(statement["Condition"], {
            "StringEquals": {"AWS:SourceAccount": h.DEFAULT_ACCOUNT},
            "ArnLike": {"AWS:SourceArn": "arn:aws:s3:::my-bucket"}})

        self.lam.add_permission(FunctionName=name, StatementId="sns-invoke",
                                Action="lambda:InvokeFunction", Principal="sns.amazonaws.com")
        got = self.lam.get_policy(FunctionName=name)
        self.assertRegex(got["RevisionId"], h.UUID_RE)
        policy = json.loads(got["Policy"])
        self.assertEqual(policy["Version"], "2012-10-17")
        self.assertEqual(policy["Id"], "default")
        self.assertEqual([s["Sid"] for s in policy["Statement"]], ["s3-invoke", "sns-invoke"])
        self.assertEqual(policy["Statement"][0], statement)

        with self.assertAwsError("ResourceConflictException", 409):
            self.lam.add_permission(FunctionName=name, StatementId="s3-invoke",
                                    Action="lambda:InvokeFunction", Principal="s3.amazonaws.com")

        removed = self.lam.remove_permission(FunctionName=name, StatementId="s3-invoke")
        self.assertEqual(removed["ResponseMetadata"]["HTTPStatusCode"], 204)
        policy = json.loads(self.lam.get_policy(FunctionName=name)["Policy"])
        self.assertEqual([s["Sid"] for s in policy["Statement"]], ["sns-invoke"])
        with self.assertAwsError("ResourceNotFoundException", 404):
            self.lam.remove_permission(FunctionName=name, StatementId="s3-invoke")
        self.lam.remove_permission(FunctionName=name, StatementId="sns-invoke")
        with self.assertAwsError("ResourceNotFoundException", 404):
            self.lam.get_policy(FunctionName=name)

    def test_account_principal(self):
        name = h.unique()
        self.create_function(name)
        resp = self.lam.add_permission(FunctionName=name, StatementId="cross-account",
                                       Action="lambda:InvokeFunction", Principal="111122223333")
        # Lambda writes an account id principal as the account's root ARN.
        self.assertEqual(json.loads(resp["Statement"])["Principal"],
                         {"AWS": "arn:aws:iam::111122223333:root"})

    def test_permission_on_alias_is_its_own_policy(self):
        name = h.unique()
        self.create_function(name)
        self.lam.publish_version(FunctionName=name)
        self.lam.create_alias(FunctionName=name, Name="live", FunctionVersion="1")
        resp = self.lam.add_permission(FunctionName=name, Qualifier="live", StatementId="alias-only",
                                       Action="lambda:InvokeFunction", Principal="sns.amazonaws.com")
        self.assertEqual(json.loads(resp["Statement"])["Resource"], h.function_arn(name) + ":live")
        policy = json.loads(self.lam.get_policy(FunctionName=name, Qualifier="live")["Policy"])
        self.assertEqual([s["Sid"] for s in policy["Statement"]], ["alias-only"])
        # the unqualified function has no policy of its own
        with self.assertAwsError("ResourceNotFoundException", 404):
            self.lam.get_policy(FunctionName=name)

    def test_permission_errors(self):
        with self.assertAwsError("ResourceNotFoundException", 404):
            self.lam.add_permission(FunctionName=h.unique("missing"), StatementId="x",
                                    Action="lambda:InvokeFunction", Principal="s3.amazonaws.com")
        name = h.unique()
        self.create_function(name)
        with self.assertAwsError("ResourceNotFoundException", 404):
            self.lam.add_permission(FunctionName=name, Qualifier="4", StatementId="x",
                                    Action="lambda:InvokeFunction", Principal="s3.amazonaws.com")


class TagsTest(h.LambdaTestCase):

    def test_tags(self):
        name = h.unique()
        self.create_function(name, Tags={"env": "test", "team": "core"})
        arn = h.function_arn(name)
        self.assertEqual(self.lam.list_tags(Resource=arn)["Tags"], {"env": "test", "team": "core"})

        resp = self.lam.tag_resource(Resource=arn, Tags={"team": "platform", "cost": "42"})
        self.assertEqual(resp["ResponseMetadata"]["HTTPStatusCode"], 204)
        self.assertEqual(self.lam.list_tags(Resource=arn)["Tags"],
                         {"env": "test", "team": "platform", "cost": "42"})
        self.assertEqual(self.lam.get_function(FunctionName=name)["Tags"],
                         {"env": "test", "team": "platform", "cost": "42"})

        resp = self.lam.untag_resource(Resource=arn, TagKeys=["env"])
        self.assertEqual(resp["ResponseMetadata"]["HTTPStatusCode"], 204)
        self.assertEqual(self.lam.list_tags(Resource=arn)["Tags"], {"team": "platform", "cost": "42"})
        # several keys at once (?tagKeys=team&tagKeys=cost&...), one of them not there
        self.lam.untag_resource(Resource=arn, TagKeys=["team", "not-there", "cost"])
        self.assertEqual(self.lam.list_tags(Resource=arn)["Tags"], {})

    def test_tags_of_missing_function(self):
        arn = h.function_arn(h.unique("missing"))
        with self.assertAwsError("ResourceNotFoundException", 404):
            self.lam.list_tags(Resource=arn)
        with self.assertAwsError("ResourceNotFoundException", 404):
            self.lam.tag_resource(Resource=arn, Tags={"a": "b"})


class EventInvokeConfigTest(h.LambdaTestCase):

    def test_event_invoke_config_lifecycle(self):
        name = h.unique()
        self.create_function(name)
        arn = h.function_arn(name)
        _, url = self.create_queue()
        queue_arn = self.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"]) \
            ["Attributes"]["QueueArn"]
        with self.assertAwsError("ResourceNotFoundException", 404):
            self.lam.get_function_event_invoke_config(FunctionName=name)
        self.assertEqual(self.lam.list_function_event_invoke_configs(FunctionName=name)
                         ["FunctionEventInvokeConfigs"], [])

        put = self.lam.put_function_event_invoke_config(
            FunctionName=name, MaximumRetryAttempts=1, MaximumEventAgeInSeconds=3600,
            DestinationConfig={"OnFailure": {"Destination": queue_arn}})
        self.assertEqual(put["ResponseMetadata"]["HTTPStatusCode"], 200)
        self.assertEqual(put["FunctionArn"], arn + ":$LATEST")
        self.assertEqual(put["MaximumRetryAttempts"], 1)
        self.assertEqual(put["MaximumEventAgeInSeconds"], 3600)
        self.assertEqual(put["DestinationConfig"]["OnFailure"], {"Destination": queue_arn})
        self.assertIsInstance(put["LastModified"], datetime.datetime)

        got = self.lam.get_function_event_invoke_config(FunctionName=name)
        self.assertEqual(got["FunctionArn"], arn + ":$LATEST")
        self.assertEqual(got["MaximumRetryAttempts"], 1)
        self.assertEqual(got["MaximumEventAgeInSeconds"], 3600)

        # Update changes only what it names
        updated = self.lam.update_function_event_invoke_config(FunctionName=name,
                                                               MaximumRetryAttempts=0)
        self.assertEqual(updated["MaximumRetryAttempts"], 0)
        self.assertEqual(updated["MaximumEventAgeInSeconds"], 3600)
        self.assertEqual(updated["DestinationConfig"]["OnFailure"], {"Destination": queue_arn})

        # Put replaces the whole configuration
        replaced = self.lam.put_function_event_invoke_config(FunctionName=name,
                                                             MaximumRetryAttempts=2)
        self.assertEqual(replaced["MaximumRetryAttempts"], 2)
        for config in (replaced, self.lam.get_function_event_invoke_config(FunctionName=name)):
            self.assertNotEqual(config.get("MaximumEventAgeInSeconds"), 3600, config)
            self.assertIsNone(config.get("DestinationConfig", {}).get("OnFailure", {})
                              .get("Destination"), config)

        # one per version or alias
        self.lam.publish_version(FunctionName=name)
        v1 = self.lam.put_function_event_invoke_config(FunctionName=name, Qualifier="1",
                                                       MaximumRetryAttempts=0)
        self.assertEqual(v1["FunctionArn"], arn + ":1")
        listed = self.lam.list_function_event_invoke_configs(FunctionName=name) \
            ["FunctionEventInvokeConfigs"]
        self.assertEqual(sorted(c["FunctionArn"] for c in listed), [arn + ":$LATEST", arn + ":1"])
        paged = self.lam.list_function_event_invoke_configs(FunctionName=name, MaxItems=1)
        self.assertEqual(len(paged["FunctionEventInvokeConfigs"]), 1)
        self.assertIn("NextMarker", paged)
        rest = self.lam.list_function_event_invoke_configs(FunctionName=name, MaxItems=1,
                                                           Marker=paged["NextMarker"])
        self.assertEqual(len(rest["FunctionEventInvokeConfigs"]), 1)
        self.assertNotEqual(rest["FunctionEventInvokeConfigs"][0]["FunctionArn"],
                            paged["FunctionEventInvokeConfigs"][0]["FunctionArn"])

        deleted = self.lam.delete_function_event_invoke_config(FunctionName=name)
        self.assertEqual(deleted["ResponseMetadata"]["HTTPStatusCode"], 204)
        with self.assertAwsError("ResourceNotFoundException", 404):
            self.lam.get_function_event_invoke_config(FunctionName=name)
        self.assertEqual(self.lam.get_function_event_invoke_config(FunctionName=name, Qualifier="1")
                         ["MaximumRetryAttempts"], 0)
        with self.assertAwsError("ResourceNotFoundException", 404):
            self.lam.delete_function_event_invoke_config(FunctionName=name)

    def test_event_invoke_config_ranges(self):
        name = h.unique()
        self.create_function(name)
        raw = self.raw_lambda_client()
        # Out-of-range members fail the model's constraints: a ValidationException naming them.
        for kwargs, member in (({"MaximumRetryAttempts": 3}, "maximumRetryAttempts"),
                               ({"MaximumRetryAttempts": -1}, "maximumRetryAttempts"),
                               ({"MaximumEventAgeInSeconds": 59}, "maximumEventAgeInSeconds"),
                               ({"MaximumEventAgeInSeconds": 21601}, "maximumEventAgeInSeconds")):
            with self.assertAwsError("ValidationException", 400, member):
                raw.put_function_event_invoke_config(FunctionName=name, **kwargs)
        with self.assertAwsError("ValidationException", 400, "maximumRetryAttempts"):
            raw.update_function_event_invoke_config(FunctionName=name, MaximumRetryAttempts=3)
        with self.assertAwsError("ResourceNotFoundException", 404):
            self.lam.get_function_event_invoke_config(FunctionName=name)
        # the bounds themselves are fine
        for retries, age in ((0, 60), (2, 21600)):
            resp = self.lam.put_function_event_invoke_config(
                FunctionName=name, MaximumRetryAttempts=retries, MaximumEventAgeInSeconds=age)
            self.assertEqual((resp["MaximumRetryAttempts"], resp["MaximumEventAgeInSeconds"]),
                             (retries, age))

    def test_event_invoke_config_missing_function_or_version(self):
        with self.assertAwsError("ResourceNotFoundException", 404):
            self.lam.put_function_event_invoke_config(FunctionName=h.unique("missing"),
                                                      MaximumRetryAttempts=1)
        name = h.unique()
        self.create_function(name)
        with self.assertAwsError("ResourceNotFoundException", 404):
            self.lam.put_function_event_invoke_config(FunctionName=name, Qualifier="3",
                                                      MaximumRetryAttempts=1)


if __name__ == "__main__":
    unittest.main()
