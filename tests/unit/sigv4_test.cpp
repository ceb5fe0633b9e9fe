#include <gtest/gtest.h>

#include "protocol/sigv4.hpp"

namespace stratus {

TEST(SigV4Scope, SplitsAValidScopeIntoItsParts) {
  auto c = sigv4::parse_scope("AKIDEXAMPLE/20261127/eu-west-2/sqs/aws4_request");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->access_key, "AKIDEXAMPLE");
  EXPECT_EQ(c->date, "20261127");
  EXPECT_EQ(c->region, "eu-west-2");
  EXPECT_EQ(c->service, "sqs");
}

TEST(SigV4Scope, RejectsTheWrongNumberOfParts) {
  EXPECT_FALSE(sigv4::parse_scope(""));
  EXPECT_FALSE(sigv4::parse_scope("AKID"));
  EXPECT_FALSE(sigv4::parse_scope("AKID/20261127/us-east-1/aws4_request"));
  EXPECT_FALSE(sigv4::parse_scope("AKID/20261127/us-east-1/sqs/extra/aws4_request"));
  EXPECT_FALSE(sigv4::parse_scope("AKID/20261127/us-east-1/sqs/aws4_request/"));
}

TEST(SigV4Scope, RejectsAWrongTerminator) {
  EXPECT_FALSE(sigv4::parse_scope("AKID/20261127/us-east-1/sqs/aws4_requestx"));
  EXPECT_FALSE(sigv4::parse_scope("AKID/20261127/us-east-1/sqs/aws5_request"));
  EXPECT_FALSE(sigv4::parse_scope("AKID/20261127/us-east-1/sqs/"));
}

TEST(SigV4Scope, RejectsAnEmptyAccessKey) {
  EXPECT_FALSE(sigv4::parse_scope("/20261127/us-east-1/sqs/aws4_request"));
}

TEST(SigV4Authorization, ReadsTheCredentialOfAnSdkHeader) {
  auto c = sigv4::parse_authorization(
      "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261127/us-east-1/sqs/aws4_request, "
      "SignedHeaders=content-type;host;x-amz-date, "
      "Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->access_key, "AKIDEXAMPLE");
  EXPECT_EQ(c->date, "20261127");
  EXPECT_EQ(c->region, "us-east-1");
  EXPECT_EQ(c->service, "sqs");
}

TEST(SigV4Authorization, AcceptsCommasWithoutSpaces) {
  auto c = sigv4::parse_authorization(
      "AWS4-HMAC-SHA256 Credential=test/20261127/ap-south-1/sqs/aws4_request,SignedHeaders=host,Signature=ab");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->access_key, "test");
  EXPECT_EQ(c->region, "ap-south-1");
}

TEST(SigV4Authorization, AcceptsTheCredentialAsTheLastField) {
  auto c = sigv4::parse_authorization("AWS4-HMAC-SHA256 Credential=k/20261127/us-west-2/sqs/aws4_request");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->access_key, "k");
  EXPECT_EQ(c->region, "us-west-2");
}

TEST(SigV4Authorization, AcceptsTheCredentialAfterOtherFields) {
  auto c = sigv4::parse_authorization(
      "AWS4-HMAC-SHA256 SignedHeaders=host, Signature=ab, Credential=k/20261127/us-west-2/sqs/aws4_request");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->access_key, "k");
}

TEST(SigV4Authorization, RejectsOtherSchemes) {
  EXPECT_FALSE(sigv4::parse_authorization(""));
  EXPECT_FALSE(sigv4::parse_authorization("AWS AKIDEXAMPLE:frJIUN8DYpKDtOLCwo//yllqDzg="));
  EXPECT_FALSE(sigv4::parse_authorization("Bearer token"));
  EXPECT_FALSE(sigv4::parse_authorization(
      "AWS4-HMAC-SHA1 Credential=AKID/20261127/us-east-1/sqs/aws4_request, SignedHeaders=host, Signature=ab"));
  EXPECT_FALSE(sigv4::parse_authorization(
      "aws4-hmac-sha256 Credential=AKID/20261127/us-east-1/sqs/aws4_request, SignedHeaders=host, Signature=ab"));
}

TEST(SigV4Authorization, RejectsAMissingOrMalformedCredential) {
  EXPECT_FALSE(sigv4::parse_authorization("AWS4-HMAC-SHA256 SignedHeaders=host, Signature=ab"));
  EXPECT_FALSE(sigv4::parse_authorization("AWS4-HMAC-SHA256 Credential=, SignedHeaders=host"));
  EXPECT_FALSE(sigv4::parse_authorization("AWS4-HMAC-SHA256 Credential=AKID/20261127/us-east-1/sqs, Signature=ab"));
  EXPECT_FALSE(sigv4::parse_authorization(
      "AWS4-HMAC-SHA256 Credential=AKID/20261127/us-east-1/sqs/aws4_request/x, Signature=ab"));
}

}  // namespace stratus
