#include "parser_core.hpp"

#include <string>
#include <utility>

#include "syntax.hpp"

namespace aio::http::detail {

namespace {

// The last five framing bytes before a version number must be "HTTP/": llhttp 8.1 also parses
// RTSP/1.0 and ICE/1.0 start lines, which are not ours.
constexpr std::uint64_t pack(std::string_view text) noexcept {
  std::uint64_t packed = 0;
  for (unsigned char c : text) packed = (packed << 8) | c;
  return packed;
}
constexpr std::uint64_t http_slash = pack("HTTP/");
constexpr std::uint64_t five_bytes = 0xff'ffff'ffffULL;

std::string number(std::uint64_t value) {
  return std::to_string(value);
}

}  // namespace

// ---- set-up -----------------------------------------------------------------------------------

const llhttp_settings_t& ParserCore::settings() noexcept {
  // llhttp keeps a pointer to the settings for the parser's whole life: one static table.
  static const llhttp_settings_t table = [] {
    llhttp_settings_t s;
    llhttp_settings_init(&s);
    s.on_message_begin = &ParserCore::on_message_begin;
    s.on_method = &ParserCore::on_method;
    s.on_method_complete = &ParserCore::on_method_complete;
    s.on_url = &ParserCore::on_url;
    s.on_url_complete = &ParserCore::on_url_complete;
    s.on_status = &ParserCore::on_status;
    s.on_status_complete = &ParserCore::on_status_complete;
    s.on_version = &ParserCore::on_version;
    s.on_version_complete = &ParserCore::on_version_complete;
    s.on_header_field = &ParserCore::on_header_field;
    s.on_header_field_complete = &ParserCore::on_header_field_complete;
    s.on_header_value = &ParserCore::on_header_value;
    s.on_header_value_complete = &ParserCore::on_header_value_complete;
    s.on_headers_complete = &ParserCore::on_headers_complete;
    s.on_chunk_extension_name = &ParserCore::on_chunk_extension;
    s.on_chunk_extension_value = &ParserCore::on_chunk_extension;
    s.on_chunk_header = &ParserCore::on_chunk_header;
    s.on_body = &ParserCore::on_body;
    s.on_message_complete = &ParserCore::on_message_complete;
    return s;
  }();
  return table;
}

ParserCore& ParserCore::self(llhttp_t* parser) noexcept {
  return *static_cast<ParserCore*>(parser->data);
}

ParserCore::ParserCore(MessageKind kind, const Limits& limits) : kind_(kind), limits_(limits) {
  llhttp_init(&parser_, kind == MessageKind::Request ? HTTP_REQUEST : HTTP_RESPONSE, &settings());
  parser_.data = this;
  // Every lenient mode off (the default, said out loud): they accept Content-Length with
  // Transfer-Encoding, invalid header characters, a non-final chunked coding — the smuggling
  // vectors this layer must refuse.
  llhttp_set_lenient_headers(&parser_, 0);
  llhttp_set_lenient_chunked_length(&parser_, 0);
  llhttp_set_lenient_keep_alive(&parser_, 0);
  llhttp_set_lenient_transfer_encoding(&parser_, 0);
}

void ParserCore::expect_response_to(std::string_view method) {
  expected_methods_.emplace_back(method);
}

ParsedMessage ParserCore::take_message() {
  ParsedMessage message = std::move(ready_.front());
  ready_.pop_front();
  return message;
}

std::string_view ParserCore::noun() const noexcept {
  return kind_ == MessageKind::Request ? "request" : "response";
}

// ---- feeding ----------------------------------------------------------------------------------

void ParserCore::feed(std::string_view bytes) {
  if (refusal_pending_) {
    decide_pending_refusal(bytes);
    return;
  }
  const char* next = bytes.data();
  const char* const end = next + bytes.size();
  // After a pause llhttp has work left even with no bytes (deciding about the body, completing
  // a message without one): run it once more at the end of the buffer.
  resumed_ = false;
  while ((next != end || resumed_) && !error_ && !closed_ && !eof_) next = execute(next, end);
}

const char* ParserCore::execute(const char* from, const char* end) {
  scan_ = from;
  pause_ = Pause::None;
  resumed_ = false;
  const llhttp_errno_t code = llhttp_execute(&parser_, from, static_cast<std::size_t>(end - from));
  if (error_) return end;  // one of our callbacks refused something
  if (code == HPE_OK) {
    scan_to(end);
    return end;
  }
  const char* const stop = llhttp_get_error_pos(&parser_);
  if (code == HPE_PAUSED) {
    // Paused by us, at the end of a head or of a message: finish checking the bytes of the part
    // that ended, then switch to the next part.
    if (!scan_to(stop)) return end;
    llhttp_resume(&parser_);
    resumed_ = true;
    if (pause_ == Pause::HeadersComplete) after_headers_complete();
    if (pause_ == Pause::MessageComplete) after_message_complete();
    return stop;
  }
  if (code == HPE_PAUSED_UPGRADE && kind_ == MessageKind::Request) {
    // The request asked to switch protocols (Upgrade + Connection: upgrade). A server may ignore
    // that (RFC 9110 §7.8): we answer in HTTP/1.1 and keep reading HTTP/1.1.
    if (!scan_to(stop)) return end;
    llhttp_resume_after_upgrade(&parser_);
    resumed_ = true;
    return stop;
  }
  if (code == HPE_PAUSED_UPGRADE || code == HPE_PAUSED_H2_UPGRADE) {
    // Not a refused byte: llhttp stopped after a message that switches protocols (a response's
    // 101, an HTTP/2 preface), which we do not follow.
    if (scan_to(stop)) fail_from_llhttp(code);
    return end;
  }
  // llhttp refused the byte at `stop`. A rule of ours broken at an earlier byte, or at that same
  // byte (a bare LF is clearer than "invalid header value char"), is the one reported.
  if (!scan_to(stop == end ? end : stop + 1)) return end;
  if (stop == end) {
    // llhttp refused the stream at the end of this buffer, before seeing the next byte: which
    // error to report depends on that byte, as it would have had it been in this buffer.
    refusal_pending_ = true;
    return end;
  }
  fail_from_llhttp(code);
  return end;
}

void ParserCore::decide_pending_refusal(std::string_view next_bytes) {
  if (next_bytes.empty()) return;
  scan_ = next_bytes.data();
  if (!scan_to(scan_ + 1)) return;
  refusal_pending_ = false;
  fail_from_llhttp(llhttp_get_errno(&parser_));  // llhttp keeps its error until llhttp_init
}

void ParserCore::feed_eof() {
  if (error_ || closed_ || eof_) return;
  eof_ = true;
  if (refusal_pending_) {
    refusal_pending_ = false;
    fail_from_llhttp(llhttp_get_errno(&parser_));
    return;
  }
  if (!started_) return;  // a clean close between messages
  finishing_ = true;
  pause_ = Pause::None;
  const llhttp_errno_t code = llhttp_finish(&parser_);
  finishing_ = false;
  if (code == HPE_OK && pause_ == Pause::MessageComplete) {
    after_message_complete();  // a response whose body lasted until the close
  } else {
    fail_at_eof();
  }
}

void ParserCore::after_headers_complete() {
  if (apply_deferred()) return;
  if (!version_started_) {
    // No version on the start line at all ("GET /": HTTP/0.9, which llhttp accepts).
    fail(505, "HTTP/0.9 is not supported (HTTP/1.0 and HTTP/1.1 only)");
    return;
  }
  if (kind_ == MessageKind::Request) {
    // RFC 9112 §3.2: exactly one Host in HTTP/1.1, at most one in HTTP/1.0; else 400.
    const std::size_t hosts = message_.headers.get_all("Host").size();
    if (hosts > 1) {
      fail(400, "more than one Host header");
      return;
    }
    if (hosts == 0 && message_.version == Version::Http11) {
      fail(400, "an HTTP/1.1 request without a Host header");
      return;
    }
  } else {
    message_.status = parser_.status_code;
    bool answers_head = false;
    if (message_.status >= 200) {
      // A final response answers the oldest request still waiting for one (1xx do not).
      if (!expected_methods_.empty()) {
        answers_head = expected_methods_.front() == "HEAD";
        expected_methods_.pop_front();
      }
    }
    skip_body_ = answers_head || !status_allows_body(message_.status);
  }
  if (skip_body_) parser_.flags |= F_SKIPBODY;  // read by llhttp when it resumes
  chunked_ = !skip_body_ && (parser_.flags & F_CHUNKED) != 0;
  if (!skip_body_ && !chunked_ && (parser_.flags & F_CONTENT_LENGTH) != 0) {
    declared_length_ = parser_.content_length;
    if (declared_length_ > limits_.max_body_bytes) {
      fail(413, "the body is larger than the limit of " + number(limits_.max_body_bytes) +
                    " bytes (Content-Length: " + number(declared_length_) + ")");
      return;
    }
  }
  phase_ = chunked_ ? Phase::ChunkedBody : Phase::Body;
  chunk_framing_run_ = 0;
  line_length_ = 0;
  previous_line_had_content_ = false;
}

void ParserCore::after_message_complete() {
  if (apply_deferred()) return;  // a bad trailer field
  const bool interim = kind_ == MessageKind::Response && message_.status < 200;
  const bool keep_alive = message_.keep_alive;
  if (!interim) ready_.push_back(std::move(message_));
  start_next_message();
  // After a message that ends the connection, nothing more is read: llhttp would discard (or in
  // strict mode refuse) it anyway, and a server closes once it has answered.
  if (!interim && !keep_alive) closed_ = true;
}

void ParserCore::start_next_message() {
  started_ = false;
  message_ = ParsedMessage{};
  field_name_.clear();
  field_value_.clear();
  version_started_ = false;
  protocol_is_http_ = false;
  field_count_ = 0;
  skip_body_ = false;
  declared_length_ = 0;
  chunked_ = false;
  oversized_chunk_ = false;
  deferred_.reset();
  phase_ = Phase::Head;
  head_bytes_ = 0;
  chunk_framing_run_ = 0;
  line_length_ = 0;
  previous_byte_cr_ = false;
  previous_line_had_content_ = false;
}

// ---- the scanner ------------------------------------------------------------------------------

bool ParserCore::scan_to(const char* to) {
  for (; scan_ < to; ++scan_) {
    const auto c = static_cast<unsigned char>(*scan_);
    if (!count_framing_byte()) return false;
    if (c == '\n') {
      if (!previous_byte_cr_) {
        const char* where = phase_ == Phase::Head ? "in the start line or headers"
                                                  : "in the chunked body's framing";
        fail(400, std::string("bare LF ") + where +
                      ": a line ends in LF without CR (HTTP/1.1 lines end in CRLF)");
        return false;
      }
      previous_line_had_content_ = line_length_ > 1;  // more than its CR
      line_length_ = 0;
    } else {
      if (line_length_ == 0 && is_optional_whitespace(static_cast<char>(c)) &&
          previous_line_had_content_) {
        fail(400,
             "a header line starts with whitespace (obsolete line folding, or a space before the "
             "first header): refused, RFC 9112 §5.2");
        return false;
      }
      ++line_length_;
    }
    previous_byte_cr_ = c == '\r';
    recent_bytes_ = (recent_bytes_ << 8) | c;
  }
  return true;
}

bool ParserCore::count_framing_byte() {
  if (phase_ == Phase::Head) {
    if (++head_bytes_ > limits_.max_head_bytes) {
      const char* start_line = kind_ == MessageKind::Request ? "request line" : "status line";
      fail(431, std::string("the ") + start_line + " and headers are larger than " +
                    number(limits_.max_head_bytes) + " bytes");
      return false;
    }
  } else if (phase_ == Phase::ChunkedBody) {
    if (++chunk_framing_run_ > limits_.max_head_bytes) {
      fail(400, "chunked body: more than " + number(limits_.max_head_bytes) +
                    " bytes of chunk-size line, extensions or trailers without data");
      return false;
    }
  }
  return true;
}

void ParserCore::skip_body(const char* at, std::size_t length) {
  scan_ = at + length;
  previous_byte_cr_ = false;  // a CR of the body does not make a framing LF after it a CRLF
  chunk_framing_run_ = 0;
}

// ---- errors -----------------------------------------------------------------------------------

int ParserCore::fail(int status, const std::string& detail) {
  if (!error_) error_.emplace(status, "invalid HTTP " + std::string(noun()) + ": " + detail);
  return HPE_USER;
}

int ParserCore::defer(int status, const std::string& detail) {
  if (!deferred_) deferred_.emplace(status, detail);
  return 0;  // llhttp goes on
}

bool ParserCore::apply_deferred() {
  if (!deferred_) return false;
  fail(deferred_->first, deferred_->second);
  return true;
}

void ParserCore::fail_from_llhttp(llhttp_errno_t code) {
  if (apply_deferred()) return;  // it concerns an earlier byte than llhttp's refusal
  const std::string reason = llhttp_get_error_reason(&parser_);
  const std::string from_llhttp = " (llhttp: " + reason + ")";
  switch (code) {
    case HPE_UNEXPECTED_CONTENT_LENGTH:
      if (reason.find("Transfer-Encoding") != std::string::npos) {
        fail(400,
             "Content-Length together with Transfer-Encoding: the two disagree on where the body "
             "ends (request smuggling)" +
                 from_llhttp);
      } else {
        fail(400, "Content-Length appears more than once" + from_llhttp);
      }
      return;
    case HPE_INVALID_CONTENT_LENGTH:
      fail(400, "Content-Length is not a decimal number of bytes" + from_llhttp);
      return;
    case HPE_INVALID_CHUNK_SIZE:
      fail(400, "bad chunk size: a chunk starts with its size in hexadecimal" + from_llhttp);
      return;
    case HPE_STRICT:
      fail(400, "malformed chunked body" + from_llhttp);
      return;
    case HPE_INVALID_TRANSFER_ENCODING:
      fail(400, "Transfer-Encoding must end with chunked" + from_llhttp);
      return;
    case HPE_CR_EXPECTED:
    case HPE_LF_EXPECTED:
      fail(400, "a line does not end in CRLF" + from_llhttp);
      return;
    case HPE_INVALID_METHOD:
      fail(400, "unknown method" + from_llhttp);
      return;
    case HPE_INVALID_URL:
      fail(400, "invalid request target" + from_llhttp);
      return;
    case HPE_INVALID_VERSION:
      fail(400, "invalid HTTP version" + from_llhttp);
      return;
    case HPE_INVALID_STATUS:
      fail(400, "invalid status code" + from_llhttp);
      return;
    case HPE_INVALID_HEADER_TOKEN:
      fail(400, "invalid character in a header" + from_llhttp);
      return;
    case HPE_UNEXPECTED_SPACE:
      fail(400, "unexpected whitespace" + from_llhttp);
      return;
    case HPE_PAUSED_H2_UPGRADE:
      fail(505, "HTTP/2 is not supported (HTTP/1.0 and HTTP/1.1 only)");
      return;
    case HPE_PAUSED_UPGRADE:
      fail(400, "protocol upgrades are not supported" + from_llhttp);
      return;
    default:
      fail(400, std::string("malformed ") + std::string(noun()) + from_llhttp);
      return;
  }
}

void ParserCore::fail_at_eof() {
  std::string where;
  if (phase_ == Phase::Head) {
    where = "before the end of its headers";
  } else if (chunked_) {
    where = "inside its chunked body (" + number(message_.body.size()) + " bytes of data so far)";
  } else {
    where =
        "after " + number(message_.body.size()) + " of " + number(declared_length_) + " body bytes";
  }
  fail(400, "the connection closed in the middle of the " + std::string(noun()) + ", " + where);
}

// ---- callbacks --------------------------------------------------------------------------------

int ParserCore::on_message_begin(llhttp_t* parser) {
  self(parser).started_ = true;
  return 0;
}

int ParserCore::on_method(llhttp_t* parser, const char* at, std::size_t length) {
  return self(parser).scan_to(at + length) ? 0 : HPE_USER;
}

int ParserCore::on_method_complete(llhttp_t* parser) {
  ParserCore& core = self(parser);
  if (parser->method == HTTP_CONNECT) {
    return core.defer(501, "CONNECT (a tunnel through this server) is not supported");
  }
  core.message_.method = llhttp_method_name(static_cast<llhttp_method_t>(parser->method));
  return 0;
}

int ParserCore::on_url(llhttp_t* parser, const char* at, std::size_t length) {
  ParserCore& core = self(parser);
  if (!core.scan_to(at + length)) return HPE_USER;
  core.message_.target.append(at, length);
  return 0;
}

int ParserCore::on_url_complete(llhttp_t* parser) {
  // What serialize() can write back (llhttp refuses most of the rest already).
  ParserCore& core = self(parser);
  if (!is_target(core.message_.target)) return core.defer(400, "invalid request target");
  return 0;
}

int ParserCore::on_status(llhttp_t* parser, const char* at, std::size_t length) {
  ParserCore& core = self(parser);
  if (!core.scan_to(at + length)) return HPE_USER;
  core.message_.reason.append(at, length);
  return 0;
}

int ParserCore::on_status_complete(llhttp_t* parser) {
  ParserCore& core = self(parser);
  const int status = parser->status_code;
  if (status < 100) {
    return core.defer(400, "status code " + number(static_cast<std::uint64_t>(status)) +
                               " is not a valid status (100 to 999)");
  }
  if (status == 101) {
    return core.defer(400, "101 Switching Protocols: protocol upgrades are not supported");
  }
  if (!is_text(core.message_.reason)) {
    return core.defer(400, "invalid character in the reason phrase");
  }
  core.message_.status = status;
  return 0;
}

int ParserCore::on_version(llhttp_t* parser, const char* at, std::size_t length) {
  ParserCore& core = self(parser);
  if (!core.version_started_) {
    // The protocol name is the five bytes before the version's first digit. The verdict waits
    // for on_version_complete: a span callback also comes wherever llhttp's buffer ends.
    if (!core.scan_to(at)) return HPE_USER;
    core.protocol_is_http_ = (core.recent_bytes_ & five_bytes) == http_slash;
    core.version_started_ = true;
  }
  return core.scan_to(at + length) ? 0 : HPE_USER;
}

int ParserCore::on_version_complete(llhttp_t* parser) {
  ParserCore& core = self(parser);
  if (!core.protocol_is_http_) {
    return core.defer(400, "not HTTP: the start line names another protocol");
  }
  if (parser->http_major == 1 && parser->http_minor == 1) {
    core.message_.version = Version::Http11;
  } else if (parser->http_major == 1 && parser->http_minor == 0) {
    core.message_.version = Version::Http10;
  } else {
    return core.defer(505, "HTTP/" + number(parser->http_major) + "." + number(parser->http_minor) +
                               " is not supported (HTTP/1.0 and HTTP/1.1 only)");
  }
  return 0;
}

int ParserCore::on_header_field(llhttp_t* parser, const char* at, std::size_t length) {
  ParserCore& core = self(parser);
  if (!core.scan_to(at + length)) return HPE_USER;
  core.field_name_.append(at, length);
  return 0;
}

int ParserCore::on_header_field_complete(llhttp_t* parser) {
  // Checked at the name's end (its colon), never in on_header_field: a span callback also comes
  // wherever llhttp's buffer happens to end.
  ParserCore& core = self(parser);
  if (core.field_count_ == core.limits_.max_headers) {
    return core.defer(431, "more than " + number(core.limits_.max_headers) + " header fields");
  }
  ++core.field_count_;
  if (core.field_name_.empty()) return core.defer(400, "a header line has no field name");
  if (!is_token(core.field_name_)) return core.defer(400, "invalid header field name");
  return 0;
}

int ParserCore::on_header_value(llhttp_t* parser, const char* at, std::size_t length) {
  ParserCore& core = self(parser);
  if (!core.scan_to(at + length)) return HPE_USER;
  core.field_value_.append(at, length);
  return 0;
}

int ParserCore::on_header_value_complete(llhttp_t* parser) {
  ParserCore& core = self(parser);
  std::string name = std::move(core.field_name_);
  std::string value(trim_whitespace(core.field_value_));
  core.field_name_.clear();
  core.field_value_.clear();
  if (!is_text(value)) return core.defer(400, "invalid character in the value of " + name);
  Headers& fields = core.phase_ == Phase::Head ? core.message_.headers : core.message_.trailers;
  fields.add(std::move(name), std::move(value));
  return 0;
}

int ParserCore::on_headers_complete(llhttp_t* parser) {
  // Pause: feed() learns where the head ended and decides about the body (after_headers_complete).
  self(parser).pause_ = Pause::HeadersComplete;
  return HPE_PAUSED;
}

int ParserCore::on_chunk_extension(llhttp_t* parser, const char* at, std::size_t length) {
  // Extensions are ignored (nothing defines one), but their bytes are framing: keep the scanner
  // in step so that an over-long chunk line is refused at the same byte however it was split.
  return self(parser).scan_to(at + length) ? 0 : HPE_USER;
}

int ParserCore::on_chunk_header(llhttp_t* parser) {
  ParserCore& core = self(parser);
  const std::uint64_t size = parser->content_length;  // this chunk's size
  // Refused before its data is buffered, by on_body, once the framing before the data is
  // scanned (see defer()).
  core.oversized_chunk_ = size > core.limits_.max_body_bytes - core.message_.body.size();
  return 0;
}

int ParserCore::on_body(llhttp_t* parser, const char* at, std::size_t length) {
  ParserCore& core = self(parser);
  if (!core.scan_to(at)) return HPE_USER;
  if (core.oversized_chunk_) {
    return core.fail(413, "the chunked body is larger than the limit of " +
                              number(core.limits_.max_body_bytes) + " bytes");
  }
  if (length > core.limits_.max_body_bytes - core.message_.body.size()) {
    // Only a body read until the connection closes gets here: Content-Length and chunk sizes
    // were checked before their data.
    return core.fail(413, "the body is larger than the limit of " +
                              number(core.limits_.max_body_bytes) + " bytes");
  }
  core.message_.body.append(at, length);
  core.skip_body(at, length);
  return 0;
}

int ParserCore::on_message_complete(llhttp_t* parser) {
  ParserCore& core = self(parser);
  // llhttp's verdict covers what only it knows (a body that lasted until EOF), but it reads
  // "Connection" loosely ("close" followed by a tab is missed). Ours reads the tokens as RFC
  // 9110 §7.6.1 defines them. The connection is reused only if both agree; once either says
  // close, no more bytes go to llhttp (in strict mode it would refuse them).
  const Headers& headers = core.message_.headers;
  const bool connection_allows =
      !headers.has_token("Connection", "close") &&
      (core.message_.version == Version::Http11 || headers.has_token("Connection", "keep-alive"));
  // From llhttp only what it alone knows: a body that lasts until EOF ends the connection. Its
  // reading of Connection itself depends on whitespace (found by fuzzing: tabs around
  // "keep-alive" in HTTP/1.0 changed its verdict after a round trip), so ours decides that.
  core.message_.keep_alive = llhttp_message_needs_eof(parser) == 0 && connection_allows;
  core.pause_ = Pause::MessageComplete;
  // Inside llhttp_finish there are no more bytes to position: no pause (feed_eof completes it).
  return core.finishing_ ? 0 : HPE_PAUSED;
}

}  // namespace aio::http::detail
