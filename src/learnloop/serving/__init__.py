"""The one HTTP layer under the API (`api/`) and the console (`web/`): the app, who is calling,
the dependencies both share, and the one place errors become JSON or an HTML page.

`create_app(workspace)` in `learnloop.serving.app` builds the application; `api/` and `web/`
import from here and never from each other.
"""
