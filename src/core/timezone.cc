#include "core/timezone.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <vector>

namespace restock {
namespace {

constexpr std::int64_t kMicrosPerSecond = 1'000'000;
constexpr std::int64_t kSecondsPerDay = 86'400;
constexpr std::size_t kMaxNameLength = 64;
// Real zone files are a few KiB; the cap bounds memory and work on hostile input.
constexpr std::size_t kMaxFileBytes = std::size_t{1} << 20;
// RFC 8536 §3.2: utoff should lie in -89999..93599 (-24:59:59..+25:59:59).
constexpr std::int32_t kMinUtoff = -89'999;
constexpr std::int32_t kMaxUtoff = 93'599;

std::int64_t FloorDiv(std::int64_t a, std::int64_t b) { return a / b - (a % b < 0 ? 1 : 0); }
std::int64_t FloorMod(std::int64_t a, std::int64_t b) { return a - FloorDiv(a, b) * b; }

// ---- POSIX TZ strings (the TZif footer), RFC 8536 §3.3 ----

// A rule date with its transition time: "Jn" (1..365, Feb 29 never counted), "n"
// (0..365, Feb 29 counted) or "Mm.w.d" (weekday d of week w of month m, w=5 meaning last).
struct RuleDate {
  enum class Kind { kJulian1, kJulian0, kMonthWeekDay };
  Kind kind = Kind::kMonthWeekDay;
  int n = 0;
  int month = 0, week = 0, weekday = 0;
  std::int32_t time = 7200;  // local seconds after midnight; RFC 8536 allows -167h..167h
};

struct DstRule {
  std::int32_t offset = 0;  // seconds east of UTC
  RuleDate start, end;
};

struct PosixTz {
  std::int32_t std_offset = 0;  // seconds east of UTC
  std::optional<DstRule> dst;
};

// Parses the whole string or returns nullopt. A DST name without a rule is rejected: the
// default rule is implementation-defined, and zic always writes one. After the first error
// the parser only records failure (ok_), so each step stays short and bounded.
class PosixTzParser {
 public:
  explicit PosixTzParser(std::string_view text) : s_(text) {}

  std::optional<PosixTz> Parse() {
    PosixTz tz;
    Name();
    tz.std_offset = -Offset(24);  // POSIX counts west of UTC as positive
    if (pos_ == s_.size()) return ok_ ? std::optional<PosixTz>(tz) : std::nullopt;
    Name();
    DstRule dst;
    dst.offset = pos_ < s_.size() && s_[pos_] != ',' ? -Offset(24) : tz.std_offset + 3600;
    Expect(',');
    dst.start = Date();
    Expect(',');
    dst.end = Date();
    if (!ok_ || pos_ != s_.size()) return std::nullopt;
    tz.dst = dst;
    return tz;
  }

 private:
  bool Consume(char c) {
    if (pos_ >= s_.size() || s_[pos_] != c) return false;
    ++pos_;
    return true;
  }
  void Expect(char c) { ok_ = Consume(c) && ok_; }

  // "<...>" (any characters but '>') or at least three ASCII letters.
  void Name() {
    std::size_t begin = pos_;
    if (Consume('<')) {
      std::size_t close = s_.find('>', pos_);
      ok_ = ok_ && close != std::string_view::npos && close != pos_;
      pos_ = close == std::string_view::npos ? s_.size() : close + 1;
      return;
    }
    while (pos_ < s_.size() &&
           ((s_[pos_] >= 'A' && s_[pos_] <= 'Z') || (s_[pos_] >= 'a' && s_[pos_] <= 'z'))) {
      ++pos_;
    }
    ok_ = ok_ && pos_ - begin >= 3;
  }

  // Decimal digits with a value in lo..hi.
  int Number(int lo, int hi) {
    std::size_t begin = pos_;
    int value = 0;
    while (pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9' && value <= hi) {
      value = value * 10 + (s_[pos_++] - '0');  // value <= hi bounds it: no overflow
    }
    ok_ = ok_ && pos_ != begin && value >= lo && value <= hi;
    return value;
  }

  // [+-]hh[:mm[:ss]] in seconds.
  std::int32_t Offset(int max_hours) {
    int sign = Consume('-') ? -1 : 1;
    if (sign == 1) Consume('+');
    std::int32_t total = Number(0, max_hours) * 3600;
    if (Consume(':')) {
      total += Number(0, 59) * 60;
      if (Consume(':')) total += Number(0, 59);
    }
    return sign * total;
  }

  RuleDate Date() {
    RuleDate d;
    if (Consume('J')) {
      d.kind = RuleDate::Kind::kJulian1;
      d.n = Number(1, 365);
    } else if (Consume('M')) {
      d.month = Number(1, 12);
      Expect('.');
      d.week = Number(1, 5);
      Expect('.');
      d.weekday = Number(0, 6);
    } else {
      d.kind = RuleDate::Kind::kJulian0;
      d.n = Number(0, 365);
    }
    if (Consume('/')) d.time = Offset(167);
    return d;
  }

  std::string_view s_;
  std::size_t pos_ = 0;
  bool ok_ = true;
};

bool IsLeapYear(int y) { return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0); }

// Days since the epoch of the local day `r` names in `year`.
std::int64_t RuleDay(const RuleDate& r, int year) {
  std::int64_t jan1 = DaysFromCivil(CivilDate{year, 1, 1});
  switch (r.kind) {
    case RuleDate::Kind::kJulian1:
      return jan1 + r.n - 1 + (IsLeapYear(year) && r.n >= 60 ? 1 : 0);
    case RuleDate::Kind::kJulian0:
      return jan1 + r.n;
    case RuleDate::Kind::kMonthWeekDay:
      break;
  }
  std::int64_t first = DaysFromCivil(CivilDate{year, r.month, 1});
  std::int64_t next = r.month == 12 ? DaysFromCivil(CivilDate{year + 1, 1, 1})
                                    : DaysFromCivil(CivilDate{year, r.month + 1, 1});
  std::int64_t first_weekday = FloorMod(first + 4, 7);  // 1970-01-01 was a Thursday (4)
  std::int64_t day = first + FloorMod(r.weekday - first_weekday, 7) + (r.week - 1) * 7;
  while (day >= next) day -= 7;  // week 5 means the last such weekday
  return day;
}

std::int32_t PosixOffsetAt(const PosixTz& tz, std::int64_t secs) {
  if (!tz.dst) return tz.std_offset;
  const DstRule& rule = *tz.dst;
  // The start time is in standard time, the end time in daylight time.
  auto start = [&](int y) {
    return RuleDay(rule.start, y) * kSecondsPerDay + rule.start.time - tz.std_offset;
  };
  auto end = [&](int y) {
    return RuleDay(rule.end, y) * kSecondsPerDay + rule.end.time - rule.offset;
  };
  // Checking the DST periods that begin in the neighbouring years too means times past
  // 24:00, negative times, and periods spanning New Year (southern hemisphere, or zic's
  // all-year DST "0/0,J365/25") need no special cases.
  int year = CivilFromDays(FloorDiv(secs + tz.std_offset, kSecondsPerDay)).year;
  for (int y = year - 1; y <= year + 1; ++y) {
    std::int64_t begin = start(y);
    std::int64_t finish = end(y) > begin ? end(y) : end(y + 1);
    if (begin <= secs && secs < finish) return rule.offset;
  }
  return tz.std_offset;
}

// ---- TZif files, RFC 8536 ----

struct ZoneTable {
  std::vector<std::int64_t> transitions;  // strictly ascending, Unix seconds
  std::vector<std::uint8_t> transition_types;
  std::vector<std::int32_t> utoffs;  // one per local time type; never empty
  std::optional<PosixTz> footer;

  std::int32_t OffsetAt(std::int64_t secs) const {
    if (transitions.empty()) return footer ? PosixOffsetAt(*footer, secs) : utoffs[0];
    if (secs < transitions.front()) return utoffs[0];
    std::size_t i = static_cast<std::size_t>(
        std::upper_bound(transitions.begin(), transitions.end(), secs) - transitions.begin() - 1);
    if (i + 1 == transitions.size() && footer) return PosixOffsetAt(*footer, secs);
    return utoffs[transition_types[i]];
  }
};

// Big-endian reads that never pass the end: once out of data, reads yield 0 and set failed.
class Cursor {
 public:
  explicit Cursor(std::string_view data) : data_(data) {}
  std::size_t remaining() const { return data_.size() - pos_; }
  bool failed() const { return failed_; }
  std::string_view Rest() const { return data_.substr(pos_); }

  std::uint64_t Unsigned(std::size_t bytes) {
    failed_ = failed_ || remaining() < bytes;
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < bytes && pos_ < data_.size(); ++i) {
      v = (v << 8) | static_cast<std::uint8_t>(data_[pos_++]);
    }
    return v;
  }
  // Two's complement of the given width (4 or 8 bytes).
  std::int64_t Signed(std::size_t bytes) {
    std::uint64_t v = Unsigned(bytes);
    return bytes == 4 ? static_cast<std::int32_t>(static_cast<std::uint32_t>(v))
                      : static_cast<std::int64_t>(v);
  }
  void Skip(std::uint64_t bytes) {
    if (remaining() < bytes) failed_ = true;
    pos_ += static_cast<std::size_t>(std::min<std::uint64_t>(bytes, remaining()));
  }

 private:
  std::string_view data_;
  std::size_t pos_ = 0;
  bool failed_ = false;
};

struct TzifHeader {
  char version = 0;
  std::uint64_t isutcnt = 0, isstdcnt = 0, leapcnt = 0, timecnt = 0, typecnt = 0, charcnt = 0;
  // Size of the data block that follows; counts are 32-bit, so this cannot overflow.
  std::uint64_t BlockSize(std::uint64_t time_size) const {
    return timecnt * time_size + timecnt + typecnt * 6 + charcnt + leapcnt * (time_size + 4) +
           isstdcnt + isutcnt;
  }
};

Status Corrupt() { return InternalError("corrupt time zone file"); }

Result<TzifHeader> ReadHeader(Cursor& c) {
  if (c.remaining() < 44 || c.Rest().substr(0, 4) != "TZif") return Corrupt();
  c.Skip(4);
  TzifHeader h;
  h.version = static_cast<char>(c.Unsigned(1));
  c.Skip(15);
  for (std::uint64_t* count :
       {&h.isutcnt, &h.isstdcnt, &h.leapcnt, &h.timecnt, &h.typecnt, &h.charcnt}) {
    *count = c.Unsigned(4);
  }
  if (h.typecnt == 0) return Corrupt();
  return h;
}

// Reads one data block with `time_size`-byte transition times (4 in v1, 8 in v2+).
Result<ZoneTable> ReadBlock(Cursor& c, const TzifHeader& h, std::size_t time_size) {
  if (c.remaining() < h.BlockSize(time_size)) return Corrupt();
  if (h.leapcnt != 0) return InvalidArgumentError("leap-second time zones are not supported");
  ZoneTable table;
  table.transitions.reserve(h.timecnt);
  for (std::uint64_t i = 0; i < h.timecnt; ++i) {
    std::int64_t at = c.Signed(time_size);
    if (!table.transitions.empty() && at <= table.transitions.back()) return Corrupt();
    table.transitions.push_back(at);
  }
  table.transition_types.reserve(h.timecnt);
  for (std::uint64_t i = 0; i < h.timecnt; ++i) {
    auto type = static_cast<std::uint8_t>(c.Unsigned(1));
    if (type >= h.typecnt) return Corrupt();
    table.transition_types.push_back(type);
  }
  for (std::uint64_t i = 0; i < h.typecnt; ++i) {
    std::int64_t utoff = c.Signed(4);
    std::uint64_t is_dst = c.Unsigned(1);
    c.Skip(1);  // abbreviation index: abbreviations are not used
    if (utoff < kMinUtoff || utoff > kMaxUtoff || is_dst > 1) return Corrupt();
    table.utoffs.push_back(static_cast<std::int32_t>(utoff));
  }
  c.Skip(h.charcnt + h.leapcnt * (time_size + 4) + h.isstdcnt + h.isutcnt);
  if (c.failed()) return Corrupt();
  return table;
}

Result<ZoneTable> ParseTzif(std::string_view bytes) {
  Cursor c(bytes);
  RESTOCK_ASSIGN_OR_RETURN(TzifHeader v1, ReadHeader(c));
  if (v1.version == 0) return ReadBlock(c, v1, 4);
  // Version 2+: skip the 32-bit block, then read the 64-bit block and the footer.
  c.Skip(v1.BlockSize(4));
  if (c.failed()) return Corrupt();
  RESTOCK_ASSIGN_OR_RETURN(TzifHeader v2, ReadHeader(c));
  RESTOCK_ASSIGN_OR_RETURN(ZoneTable table, ReadBlock(c, v2, 8));
  std::string_view rest = c.Rest();
  std::size_t close = rest.size() < 2 ? std::string_view::npos : rest.find('\n', 1);
  if (rest.empty() || rest[0] != '\n' || close == std::string_view::npos) return Corrupt();
  std::string_view footer = rest.substr(1, close - 1);
  if (!footer.empty()) table.footer = PosixTzParser(footer).Parse();  // nullopt: ignore it
  return table;
}

bool IsValidZoneName(std::string_view name) {
  if (name.empty() || name.size() > kMaxNameLength || name.back() == '/') return false;
  char prev = '/';  // rejects a leading '/' and empty components ("a//b")
  for (char ch : name) {
    bool allowed = (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
                   (ch >= '0' && ch <= '9') || ch == '_' || ch == '+' || ch == '-' || ch == '/';
    if (!allowed || (ch == '/' && prev == '/')) return false;
    prev = ch;
  }
  return true;
}

Result<std::string> ReadSmallFile(const std::filesystem::path& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return InternalError("cannot read time zone file");
  std::string bytes;
  char chunk[4096];
  std::size_t n = 0;
  while (bytes.size() <= kMaxFileBytes && (n = std::fread(chunk, 1, sizeof chunk, f)) > 0) {
    bytes.append(chunk, n);
  }
  bool read_error = std::ferror(f) != 0;
  std::fclose(f);
  if (read_error) return InternalError("cannot read time zone file");
  if (bytes.size() > kMaxFileBytes) return Corrupt();
  return bytes;
}

}  // namespace

struct TimeZone::Data {
  std::string name;
  ZoneTable table;
};

TimeZone TimeZone::Utc() {
  static const std::shared_ptr<const Data> kUtc = [] {
    auto data = std::make_shared<Data>();
    data->name = "UTC";
    data->table.utoffs.push_back(0);
    return data;
  }();
  return TimeZone(kUtc);
}

Result<TimeZone> TimeZone::Load(std::string_view name, std::string_view zoneinfo_dir) {
  if (!IsValidZoneName(name)) return InvalidArgumentError("malformed time zone name");
  std::filesystem::path path = std::filesystem::path(zoneinfo_dir) / std::string(name);
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return InvalidArgumentError("unknown time zone: " + std::string(name));
  }
  RESTOCK_ASSIGN_OR_RETURN(std::string bytes, ReadSmallFile(path));
  RESTOCK_ASSIGN_OR_RETURN(ZoneTable table, ParseTzif(bytes));
  auto data = std::make_shared<Data>();
  data->name = std::string(name);
  data->table = std::move(table);
  return TimeZone(std::move(data));
}

const std::string& TimeZone::name() const { return data_->name; }

std::int32_t TimeZone::UtcOffsetSeconds(UnixMicros t) const {
  return data_->table.OffsetAt(FloorDiv(t, kMicrosPerSecond));
}

CivilDate TimeZone::LocalDate(UnixMicros t) const {
  std::int64_t secs = FloorDiv(t, kMicrosPerSecond);
  return CivilFromDays(FloorDiv(secs + data_->table.OffsetAt(secs), kSecondsPerDay));
}

int TimeZone::LocalMinuteOfDay(UnixMicros t) const {
  std::int64_t secs = FloorDiv(t, kMicrosPerSecond);
  return static_cast<int>(FloorMod(secs + data_->table.OffsetAt(secs), kSecondsPerDay) / 60);
}

}  // namespace restock
