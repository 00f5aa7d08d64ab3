"""The console's one blueprint. Page groups (one module each) add their routes to `bp`."""

from flask import Blueprint

bp = Blueprint("console", __name__, url_prefix="/console", template_folder="templates",
               static_folder="static", static_url_path="/static")
