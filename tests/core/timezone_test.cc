#include "core/timezone.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace restock {
namespace {

namespace fs = std::filesystem;
constexpr const char* kZoneinfo = "/usr/share/zoneinfo";

// "YYYY-MM-DDTHH:MM:SSZ" as Unix micros.
UnixMicros At(const std::string& iso) {
  auto date = ParseDate(iso.substr(0, 10));
  int h = 0, m = 0, s = 0;
  if (!date || std::sscanf(iso.c_str() + 11, "%d:%d:%d", &h, &m, &s) != 3) std::abort();
  return ((DaysFromCivil(*date) * 86400) + h * 3600 + m * 60 + s) * 1'000'000;
}

TimeZone MustLoad(const std::string& name, const std::string& dir = kZoneinfo) {
  auto tz = TimeZone::Load(name, dir);
  if (!tz.ok()) {
    ADD_FAILURE() << name << ": " << tz.status().ToString();
    return TimeZone::Utc();
  }
  return *tz;
}

// A fresh directory under the system temp dir, removed on destruction.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "restock_tz_XXXXXX").string();
    if (mkdtemp(tmpl.data()) == nullptr) std::abort();
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }
  void Write(const std::string& name, const std::string& bytes) const {
    std::ofstream(fs::path(path_) / name, std::ios::binary) << bytes;
  }

 private:
  std::string path_;
};

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

void PutBigEndian(std::string& out, std::uint64_t v, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) out += static_cast<char>((v >> (8 * i)) & 0xff);
}

// A hand-made TZif file: version '\0' (v1 only) or '2'; one local type per utoff.
struct TzifSpec {
  char version = '2';
  std::vector<std::int64_t> times;
  std::vector<std::uint8_t> time_types;
  std::vector<std::int32_t> utoffs = {0};
  std::string footer;
  std::uint32_t leap_count = 0;
};

std::string BuildTzif(const TzifSpec& spec) {
  auto block = [&](int time_size) {
    std::string out = "TZif";
    out += spec.version;
    out.append(15, '\0');
    for (std::uint64_t count :
         {std::uint64_t{0}, std::uint64_t{0}, std::uint64_t{spec.leap_count},
          std::uint64_t{spec.times.size()}, std::uint64_t{spec.utoffs.size()}, std::uint64_t{4}}) {
      PutBigEndian(out, count, 4);
    }
    for (std::int64_t t : spec.times) PutBigEndian(out, static_cast<std::uint64_t>(t), time_size);
    for (std::uint8_t type : spec.time_types) out += static_cast<char>(type);
    for (std::int32_t utoff : spec.utoffs) {
      PutBigEndian(out, static_cast<std::uint32_t>(utoff), 4);
      out.append(2, '\0');  // isdst, abbreviation index
    }
    out.append("ABC\0", 4);
    out.append(spec.leap_count * (time_size + 4), '\0');
    return out;
  };
  if (spec.version == '\0') return block(4);
  return block(4) + block(8) + "\n" + spec.footer + "\n";
}

TEST(TimeZoneTest, UtcNeedsNoFile) {
  TimeZone utc = TimeZone::Utc();
  EXPECT_EQ(utc.name(), "UTC");
  EXPECT_EQ(utc.UtcOffsetSeconds(At("2026-06-01T23:59:59Z")), 0);
  EXPECT_EQ(utc.LocalDate(At("2026-06-01T23:59:59Z")), (CivilDate{2026, 6, 1}));
  EXPECT_EQ(utc.LocalMinuteOfDay(At("2026-06-01T23:59:59Z")), 1439);
  // Floors, not truncates, before the epoch.
  EXPECT_EQ(utc.LocalDate(-1), (CivilDate{1969, 12, 31}));
  EXPECT_EQ(utc.LocalMinuteOfDay(-1), 1439);
}

TEST(TimeZoneTest, LoadsUtcByBothNames) {
  for (const char* name : {"UTC", "Etc/UTC"}) {
    TimeZone tz = MustLoad(name);
    EXPECT_EQ(tz.name(), name);
    for (const char* t : {"1800-01-01T00:00:00Z", "2026-03-08T07:00:00Z", "2100-07-01T12:00:00Z"}) {
      EXPECT_EQ(tz.UtcOffsetSeconds(At(t)), 0) << name << " " << t;
    }
  }
}

struct Vector {
  const char* zone;
  const char* utc;
  std::int32_t offset;
  const char* local_date;
  int local_minute;
};

// Expected values from `TZ=<zone> date -d <utc> '+%::z %F %H:%M'` (glibc, tzdata 2025b).
TEST(TimeZoneTest, RealZonesMatchGlibc) {
  const Vector kVectors[] = {
      {"America/New_York", "2026-03-08T06:59:59Z", -18000, "2026-03-08", 1 * 60 + 59},
      {"America/New_York", "2026-03-08T07:00:00Z", -14400, "2026-03-08", 3 * 60},
      {"America/New_York", "2026-11-01T05:59:59Z", -14400, "2026-11-01", 1 * 60 + 59},
      {"America/New_York", "2026-11-01T06:00:00Z", -18000, "2026-11-01", 1 * 60},
      {"America/New_York", "2026-11-26T03:00:00Z", -18000, "2026-11-25", 22 * 60},
      {"America/New_York", "2100-07-01T12:00:00Z", -14400, "2100-07-01", 8 * 60},  // footer
      {"America/New_York", "2100-01-15T12:00:00Z", -18000, "2100-01-15", 7 * 60},
      {"America/New_York", "1800-01-01T00:00:00Z", -17762, "1799-12-31", 19 * 60 + 3},  // LMT
      {"Europe/Berlin", "2026-01-15T12:00:00Z", 3600, "2026-01-15", 13 * 60},
      {"Europe/Berlin", "2026-07-15T12:00:00Z", 7200, "2026-07-15", 14 * 60},
      {"Europe/Berlin", "2026-03-29T00:59:59Z", 3600, "2026-03-29", 1 * 60 + 59},
      {"Europe/Berlin", "2026-03-29T01:00:00Z", 7200, "2026-03-29", 3 * 60},
      {"Europe/Berlin", "2026-10-25T00:59:59Z", 7200, "2026-10-25", 2 * 60 + 59},
      {"Europe/Berlin", "2026-10-25T01:00:00Z", 3600, "2026-10-25", 2 * 60},
      {"Europe/Berlin", "2100-07-01T12:00:00Z", 7200, "2100-07-01", 14 * 60},
      {"Europe/Berlin", "1800-01-01T00:00:00Z", 3208, "1800-01-01", 53},
      {"Asia/Kolkata", "2026-06-01T20:00:00Z", 19800, "2026-06-02", 1 * 60 + 30},
      {"Asia/Kolkata", "2100-01-01T00:00:00Z", 19800, "2100-01-01", 5 * 60 + 30},
      {"Asia/Kolkata", "1850-01-01T00:00:00Z", 21208, "1850-01-01", 5 * 60 + 53},
      // Lord Howe Island moves its clocks by 30 minutes.
      {"Australia/Lord_Howe", "2026-01-15T00:00:00Z", 39600, "2026-01-15", 11 * 60},
      {"Australia/Lord_Howe", "2026-07-15T00:00:00Z", 37800, "2026-07-15", 10 * 60 + 30},
      {"Australia/Lord_Howe", "2026-04-04T14:59:59Z", 39600, "2026-04-05", 1 * 60 + 59},
      {"Australia/Lord_Howe", "2026-04-04T15:00:00Z", 37800, "2026-04-05", 1 * 60 + 30},
      {"Australia/Lord_Howe", "2026-10-03T15:29:59Z", 37800, "2026-10-04", 1 * 60 + 59},
      {"Australia/Lord_Howe", "2026-10-03T15:30:00Z", 39600, "2026-10-04", 2 * 60 + 30},
      {"Australia/Lord_Howe", "2100-01-01T00:00:00Z", 39600, "2100-01-01", 11 * 60},
  };
  for (const Vector& v : kVectors) {
    SCOPED_TRACE(std::string(v.zone) + " " + v.utc);
    bool optional = std::string_view(v.zone) == "Australia/Lord_Howe";
    if (optional && !fs::exists(fs::path(kZoneinfo) / v.zone)) continue;
    TimeZone tz = MustLoad(v.zone);
    EXPECT_EQ(tz.UtcOffsetSeconds(At(v.utc)), v.offset);
    EXPECT_EQ(FormatDate(tz.LocalDate(At(v.utc))), v.local_date);
    EXPECT_EQ(tz.LocalMinuteOfDay(At(v.utc)), v.local_minute);
  }
}

TEST(TimeZoneTest, LocalMinuteOfDayWrapsAtLocalMidnight) {
  TimeZone ny = MustLoad("America/New_York");
  EXPECT_EQ(ny.LocalMinuteOfDay(At("2026-11-26T04:59:59Z")), 1439);
  EXPECT_EQ(ny.LocalDate(At("2026-11-26T04:59:59Z")), (CivilDate{2026, 11, 25}));
  EXPECT_EQ(ny.LocalMinuteOfDay(At("2026-11-26T05:00:00Z")), 0);
  EXPECT_EQ(ny.LocalDate(At("2026-11-26T05:00:00Z")), (CivilDate{2026, 11, 26}));
  EXPECT_EQ(ny.LocalMinuteOfDay(At("2026-11-26T05:00:00Z") + 59'999'999), 0);
  EXPECT_EQ(ny.LocalMinuteOfDay(At("2026-11-26T05:01:00Z")), 1);
}

// Runs `TZ=<file> date` on `secs`; empty when date is missing or not GNU-compatible.
std::vector<std::string> SystemDate(const std::string& zone, const std::vector<std::int64_t>& secs,
                                    const TempDir& dir) {
  std::string input;
  for (std::int64_t s : secs) input += "@" + std::to_string(s) + "\n";
  dir.Write("instants", input);
  std::string cmd = "TZ='" + std::string(kZoneinfo) + "/" + zone + "' date -f '" + dir.path() +
                    "/instants' '+%::z %F %H:%M' 2>/dev/null";
  std::vector<std::string> lines;
  std::FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return lines;
  char buf[128];
  while (std::fgets(buf, sizeof buf, p) != nullptr) lines.emplace_back(buf);
  if (pclose(p) != 0 || lines.size() != secs.size()) lines.clear();
  return lines;
}

std::string Render(const TimeZone& tz, std::int64_t secs) {
  std::int32_t off = tz.UtcOffsetSeconds(secs * 1'000'000);
  std::int32_t a = off < 0 ? -off : off;
  int minute = tz.LocalMinuteOfDay(secs * 1'000'000);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%c%02d:%02d:%02d %s %02d:%02d\n", off < 0 ? '-' : '+', a / 3600,
                a / 60 % 60, a % 60, FormatDate(tz.LocalDate(secs * 1'000'000)).c_str(),
                minute / 60, minute % 60);
  return buf;
}

TEST(TimeZoneTest, MatchesSystemDateForRandomInstants) {
  TempDir dir;
  if (SystemDate("UTC", {0}, dir) != std::vector<std::string>{"+00:00:00 1970-01-01 00:00\n"}) {
    GTEST_SKIP() << "no GNU date to compare with";
  }
  std::mt19937_64 rng(20260308);
  std::uniform_int_distribution<std::int64_t> in_2000_to_2037(946684800, 2145916799);
  std::vector<std::int64_t> secs(300);
  for (std::int64_t& s : secs) s = in_2000_to_2037(rng);
  for (const char* zone : {"America/New_York", "Europe/Berlin", "Australia/Sydney"}) {
    std::vector<std::string> expected = SystemDate(zone, secs, dir);
    ASSERT_EQ(expected.size(), secs.size()) << zone;
    TimeZone tz = MustLoad(zone);
    for (std::size_t i = 0; i < secs.size(); ++i) {
      EXPECT_EQ(Render(tz, secs[i]), expected[i]) << zone << " @" << secs[i];
    }
  }
}

TEST(TimeZoneTest, LoadRejectsBadNamesAsInvalidArgument) {
  for (const char* name :
       {"../etc/passwd", "/etc/passwd", "", "No/Such_Zone", "America", "America//New_York",
        "America/New_York/", "Europe/Berlin\n", "a b", "Etc/./UTC"}) {
    EXPECT_EQ(TimeZone::Load(name).status().code(), StatusCode::kInvalidArgument) << name;
  }
  EXPECT_EQ(TimeZone::Load(std::string(65, 'A')).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(TimeZone::Load("Etc/UTC", "/nonexistent").status().code(),
            StatusCode::kInvalidArgument);
}

struct FooterCase {
  const char* footer;
  const char* utc;
  std::int32_t offset;
};

// A file without transitions is governed by its footer alone. Expected offsets from
// `TZ='<footer>' date -d <utc> +%::z`, except where glibc ignores the neighbouring year.
TEST(TimeZoneTest, EvaluatesPosixFooterRules) {
  const FooterCase kCases[] = {
      {"<+0530>-5:30", "2030-01-01T00:00:00Z", 19800},
      {"AAA-1:30:15", "2030-01-01T23:00:00Z", 5415},
      {"IST-2IDT,M3.4.4/26,M10.5.0", "2026-03-26T23:59:59Z", 7200},  // time past 24:00
      {"IST-2IDT,M3.4.4/26,M10.5.0", "2026-03-27T00:00:00Z", 10800},
      {"IST-2IDT,M3.4.4/26,M10.5.0", "2026-10-24T22:59:59Z", 10800},
      {"IST-2IDT,M3.4.4/26,M10.5.0", "2026-10-24T23:00:00Z", 7200},
      {"<-02>2<-01>,M3.5.0/-1,M10.5.0/0", "2026-03-29T00:59:59Z", -7200},  // negative time
      {"<-02>2<-01>,M3.5.0/-1,M10.5.0/0", "2026-03-29T01:00:00Z", -3600},
      {"<-02>2<-01>,M3.5.0/-1,M10.5.0/0", "2026-10-25T00:59:59Z", -3600},
      {"<-02>2<-01>,M3.5.0/-1,M10.5.0/0", "2026-10-25T01:00:00Z", -7200},
      {"XXX3YYY,J59/2,300/3", "2028-02-28T05:00:00Z", -7200},   // J59 is Feb 28
      {"XXX3YYY,J60/2,300/3", "2028-03-01T04:59:59Z", -10800},  // J60 is Mar 1 even in leap years
      {"XXX3YYY,J60/2,300/3", "2028-03-01T05:00:00Z", -7200},
      {"XXX3YYY,J60/2,300/3", "2028-10-27T04:59:59Z", -7200},  // day 300 counts Feb 29
      {"XXX3YYY,J60/2,300/3", "2028-10-27T05:00:00Z", -10800},
      {"XXX3YYY,J60/2,300/3", "2027-10-28T04:59:59Z", -7200},
      {"XXX3YYY,J60/2,300/3", "2027-10-28T05:00:00Z", -10800},
      {"<+1030>-10:30<+11>-11,M10.1.0,M4.1.0", "2040-01-01T00:00:00Z", 39600},  // southern
      {"<+1030>-10:30<+11>-11,M10.1.0,M4.1.0", "2040-07-01T00:00:00Z", 37800},
      // zic's all-year DST; glibc wrongly answers -18000 for the first instant.
      {"EST5EDT,0/0,J365/25", "2030-01-01T04:30:00Z", -14400},
      {"EST5EDT,0/0,J365/25", "2030-07-01T00:00:00Z", -14400},
      // Unusable footers fall back to the last transition's type (here type 0: 3600).
      {"", "2030-07-01T00:00:00Z", 3600},
      {"garbage", "2030-07-01T00:00:00Z", 3600},
      {"EST5EDT", "2030-07-01T00:00:00Z", 3600},
      {"EST5EDT,M3.2.0/168,M11.1.0", "2030-07-01T00:00:00Z", 3600},
      {"EST5EDT,M13.2.0,M11.1.0", "2030-07-01T00:00:00Z", 3600},
      {"<EST5EDT,M3.2.0,M11.1.0", "2030-07-01T00:00:00Z", 3600},
  };
  TempDir dir;
  for (const FooterCase& c : kCases) {
    SCOPED_TRACE(std::string(c.footer) + " " + c.utc);
    TzifSpec spec;
    spec.utoffs = {3600};
    spec.footer = c.footer;
    dir.Write("Zone", BuildTzif(spec));
    EXPECT_EQ(MustLoad("Zone", dir.path()).UtcOffsetSeconds(At(c.utc)), c.offset);
  }
}

TEST(TimeZoneTest, UsesTypeZeroBeforeAndFooterAfterTransitions) {
  TzifSpec spec;
  spec.times = {At("1883-11-18T17:00:00Z") / 1'000'000, At("2000-01-01T00:00:00Z") / 1'000'000};
  spec.time_types = {1, 1};
  spec.utoffs = {-17762, -18000};
  spec.footer = "EST5EDT,M3.2.0,M11.1.0";
  TempDir dir;
  dir.Write("Zone", BuildTzif(spec));
  TimeZone tz = MustLoad("Zone", dir.path());
  EXPECT_EQ(tz.UtcOffsetSeconds(At("1883-11-18T16:59:59Z")), -17762);
  EXPECT_EQ(tz.UtcOffsetSeconds(At("1950-07-01T00:00:00Z")), -18000);
  EXPECT_EQ(tz.UtcOffsetSeconds(At("2026-07-01T00:00:00Z")), -14400);
  spec.footer = "not a rule";
  dir.Write("Zone", BuildTzif(spec));
  EXPECT_EQ(MustLoad("Zone", dir.path()).UtcOffsetSeconds(At("2026-07-01T00:00:00Z")), -18000);
}

// Version 1 files have 32-bit times and no footer: the last type holds forever after.
TEST(TimeZoneTest, ReadsVersionOneFiles) {
  TzifSpec spec;
  spec.version = '\0';
  spec.times = {At("1950-01-01T00:00:00Z") / 1'000'000, At("2026-03-08T07:00:00Z") / 1'000'000,
                At("2026-11-01T06:00:00Z") / 1'000'000};
  spec.time_types = {1, 2, 1};
  spec.utoffs = {-17762, -18000, -14400};
  TempDir dir;
  dir.Write("Zone", BuildTzif(spec));
  TimeZone tz = MustLoad("Zone", dir.path());
  EXPECT_EQ(tz.UtcOffsetSeconds(At("1949-12-31T23:59:59Z")), -17762);
  EXPECT_EQ(tz.UtcOffsetSeconds(At("2026-03-08T06:59:59Z")), -18000);
  EXPECT_EQ(tz.UtcOffsetSeconds(At("2026-03-08T07:00:00Z")), -14400);
  EXPECT_EQ(tz.UtcOffsetSeconds(At("2100-07-01T12:00:00Z")), -18000);
}

TEST(TimeZoneTest, CorruptFilesAreInternalErrors) {
  std::vector<std::string> files = {"", "garbage", "TZif", std::string(44, '\0'), "TZif2"};
  TzifSpec spec;
  spec.times = {100, 50};  // not ascending
  spec.time_types = {0, 0};
  files.push_back(BuildTzif(spec));
  spec.times = {100};
  spec.time_types = {1};  // no such type
  files.push_back(BuildTzif(spec));
  spec.time_types = {0};
  spec.utoffs = {100'000};  // beyond 25:59:59
  files.push_back(BuildTzif(spec));
  spec.utoffs = {0};
  std::string no_footer = BuildTzif(spec);
  no_footer.pop_back();  // the footer's closing newline
  files.push_back(no_footer);
  std::string huge_counts = BuildTzif(spec);
  for (int i = 0; i < 24; ++i) huge_counts[20 + i] = '\xff';
  files.push_back(huge_counts);
  files.push_back(std::string("TZif2") + std::string((1 << 20) + 10, '\0'));  // over 1 MiB
  std::string real = ReadFile(std::string(kZoneinfo) + "/America/New_York");
  for (std::size_t n = 0; n < real.size(); n += (n < 100 || n + 100 > real.size()) ? 1 : 37) {
    files.push_back(real.substr(0, n));
  }
  TempDir dir;
  for (std::size_t i = 0; i < files.size(); ++i) {
    dir.Write("Zone", files[i]);
    EXPECT_EQ(TimeZone::Load("Zone", dir.path()).status().code(), StatusCode::kInternal)
        << "file " << i << " (" << files[i].size() << " bytes)";
  }
  spec.leap_count = 1;
  dir.Write("Zone", BuildTzif(spec));
  EXPECT_EQ(TimeZone::Load("Zone", dir.path()).status().code(), StatusCode::kInvalidArgument);
}

TEST(TimeZoneTest, CopiesAreUsableFromManyThreads) {
  TimeZone ny = MustLoad("America/New_York");
  std::vector<std::thread> threads;
  std::vector<int> failures(4, 0);
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([copy = ny, &failures, i] {
      for (int k = 0; k < 1000; ++k) {
        if (copy.UtcOffsetSeconds(At("2026-07-01T00:00:00Z") + k) != -14400) ++failures[i];
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(failures, std::vector<int>(4, 0));
}

}  // namespace
}  // namespace restock
