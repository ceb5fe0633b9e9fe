#include <gtest/gtest.h>

#include <string>

#include "protocol/checksums.hpp"

namespace stratus {
namespace {

TEST(Checksums, Crc32IsTheIeeeCheckValue) {
  EXPECT_EQ(checksums::crc32("123456789"), 0xCBF43926u);
  EXPECT_EQ(checksums::crc32(""), 0u);
  // A DynamoDB answer as x-amz-crc32 covers it: the body as sent.
  EXPECT_EQ(checksums::crc32("{}"), 2745614147u);
  EXPECT_EQ(checksums::crc32(std::string(5 << 20, 'x')), 117715908u);  // as Python's zlib.crc32 gives
}

}  // namespace
}  // namespace stratus
