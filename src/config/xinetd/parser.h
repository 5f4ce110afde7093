// xinetd.conf(5) to ServiceSpecs: the syntax (syntax.h), each block checked
// against the attribute table (attributes.h), the defaults applied to every
// service (merge.h), each service mapped (mapping.h). Pure: no lookups, no
// system calls; every problem is a Diagnostic at FILE:LINE:COLUMN, every bad
// service reported and skipped (named in `failed`), every good one kept.
#pragma once

#include <string>
#include <string_view>

#include "config/parser.h"
#include "config/xinetd/merge.h"

namespace ninetd::config::xinetd {

// The file's own defaults block applies to its services. The include and
// includedir directives come back in `includes` (includedir with xinetd_dir
// set), each with the number of services before it.
ParseResult parse_xinetd_config(std::string_view text, const std::string& file);

// For a file read through include or includedir: `inherited` are the
// defaults the including file had (xinetd has one defaults block for the
// whole configuration); `found`, when given, receives the defaults as this
// file leaves them, for the files it includes in turn.
ParseResult parse_xinetd_config(std::string_view text, const std::string& file,
                                const Defaults& inherited, Defaults* found);

// Whether `text` reads as xinetd.conf rather than inetd.conf: a "defaults" or
// "service NAME" line whose block opens with '{' on it or on the next line
// that is not blank or a comment.
bool looks_like_xinetd(std::string_view text);

}  // namespace ninetd::config::xinetd
