// Messages to bytes: what a client sends and a server answers.
//
// The body is always framed by Content-Length: any Content-Length or Transfer-Encoding field of
// the message is replaced. Names, values, the method, the target and the reason are checked
// first: a CR or LF in a value (header injection) is a programming error, std::invalid_argument,
// never bytes on the wire.
#pragma once

#include <string>
#include <string_view>

#include "aio/http/message.hpp"
#include "aio/http/url.hpp"

namespace aio::http {

// "GET /path HTTP/1.1\r\nHost: ...\r\n...\r\n\r\nbody". An HTTP/1.1 request needs a Host field
// (make_request sets it). Content-Length is written when there is a body, and for POST, PUT and
// PATCH also when it is empty (an empty GET carries no Content-Length, as clients send it).
std::string serialize(const Request& request);

// "HTTP/1.1 200 OK\r\n...\r\n\r\nbody". `to_head_request`: the answer to a HEAD, with the
// Content-Length of the body but not the body itself. 1xx, 204 and 304 responses have no body and
// no Content-Length; giving one a body is std::invalid_argument.
std::string serialize(const Response& response, bool to_head_request = false);

// A request for `url`: its method, target (path and query) and Host field, then `headers`
// (which may override Host) and the body.
Request make_request(std::string_view method, const Url& url, std::string body = {},
                     Headers headers = {});

}  // namespace aio::http
