"""A content pack written out for places outside learnloop: an HTML folder, a zip of it, a SCORM
2004 (4th edition) package and a cmi5 package that an LMS imports.

Builders are pure (pack document in, files out); `files.py` writes them to disk.
"""

from learnloop.content.exports.cmi5 import cmi5_package
from learnloop.content.exports.files import write_folder, write_zip, zip_bytes
from learnloop.content.exports.html import html_files
from learnloop.content.exports.packages import PACKAGE_FORMATS, package_bytes, package_name
from learnloop.content.exports.scorm import scorm_package

__all__ = ["PACKAGE_FORMATS", "cmi5_package", "html_files", "package_bytes", "package_name",
           "scorm_package", "write_folder", "write_zip", "zip_bytes"]
