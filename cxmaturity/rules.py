"""Every rule of the product in one place: thresholds, horizons, verdicts, limits, conversions.

Pages, views, services, the store and the CLI read these names; none of them writes "5
respondents" or "6/12/24 months" itself. design.md §3 is the contract these implement.
"""

from __future__ import annotations

import math

# --- anonymity (design.md §3 rule 8; peers) ----------------------------------------------------

# A department (or any respondent group) smaller than this is reported without a score.
MIN_GROUP_SIZE = 5
# Peer figures (medians, distributions, filter values) need at least this many other organisations.
MIN_PEER_ORGANISATIONS = 5

# --- change between assessments (rule 9) --------------------------------------------------------

SIGNIFICANCE = 0.05  # a change counts as real only when Welch's p is below this
IMPROVED = "improved"
DECLINED = "declined"
NO_CLEAR_CHANGE = "no clear change"
VERDICTS = (IMPROVED, DECLINED, NO_CLEAR_CHANGE)


def verdict(delta: float | None, p_value: float | None) -> str:
    """Rule 9: "improved"/"declined" only when p < SIGNIFICANCE, otherwise "no clear change"."""
    if delta is None or p_value is None or p_value >= SIGNIFICANCE:
        return NO_CLEAR_CHANGE
    if delta > 0:
        return IMPROVED
    if delta < 0:
        return DECLINED
    return NO_CLEAR_CHANGE


# --- the assessment cycle (source 004: «Повторяйте оценку зрелости 1-2 раза в год») ----------------

REASSESS_EARLIEST_MONTHS = 6  # the next wave is due 6 to 12 months after the last one
REASSESS_LATEST_MONTHS = 12
REASSESS_SOURCE = "004_54c6ee1b2e26fac7.txt"  # where the 6–12-month window is stated
TARGET_HORIZONS = (6, 12, 24)  # months; source 004 plans over 6, 12 and 24 months
RADAR_TARGET_HORIZON = 12  # the target drawn on the Overview radar

# --- charts ----------------------------------------------------------------------------------------

# An item "pulls the competency down" (drawn red) only when its mean is this far below the
# competency's mean on the answer scale: a quarter of a scale point is a difference people notice
# and the noise of a few dozen answers is not (an item at 3.0 against a mean of 3.10 stays blue).
PULLING_DOWN_MARGIN = 0.25

# --- uploads ------------------------------------------------------------------------------------

# One limit for the browser, the server and the CLI: .streamlit/config.toml's maxUploadSize is
# this number, and the browser counts it in decimal megabytes (50 MB = 50,000,000 bytes).
MAX_UPLOAD_MB = 50
MAX_UPLOAD_BYTES = MAX_UPLOAD_MB * 1000 * 1000

# --- the action plan (source 004: focus over 6, 12 and 24 months, owners, initiatives) ---------------

INITIATIVE_STATUSES = ("planned", "in_progress", "done", "dropped")
OPEN_STATUSES = ("planned", "in_progress")  # still to do; overdue once past their due date
MAX_TITLE = 200
MAX_OWNER = 200
MAX_NOTE = 2000
DEFAULT_TARGET_STEP = 1  # without a target set, aim one level above the current one
COMMITMENT_MODEL = "temkin_commitment"  # the levels each executive is placed on (source 002)

# --- what a survey file may hold (issue 15: read or refuse in bounded time and memory) --------------

MAX_COLUMNS = 1_000  # a survey with every model's items and metadata has well under 200
MAX_RESPONDENTS = 250_000  # rows of answers in one file
MAX_UNPACKED_BYTES = 200 * 1000 * 1000  # what a workbook may unpack to, all its parts together
MAX_ZIP_ENTRIES = 1_000  # parts of a workbook (a real one has a few dozen)
MAX_COMPRESSION_RATIO = 200  # a part packed tighter than this (and over 1 MB) is a zip bomb
MAX_SHARED_STRINGS = 1_000_000  # distinct texts in a workbook

# --- deleting ---------------------------------------------------------------------------------

TRASH_DAYS = 30  # what is deleted stays restorable this long, then is purged for good

# --- what a stored assessment holds ------------------------------------------------------------

GROUP_BY = "department"  # the breakdown stored with every assessment
RESPONDENT_ATTRIBUTES = ("department", "role", "submitted_at")  # stored in their own columns
MAX_NAME = 200  # organisation names
MAX_LABEL = 200  # assessment labels
MAX_RESPONDENT_ID = 255
MAX_PROBLEMS = 50  # an invalid file lists this many problems, then a count of the rest


# --- points models (rule 5) --------------------------------------------------------------------


def round_half_up(value: float) -> int:
    """14.5 -> 15 (Python's round() would give the banker's 14). The 1e-9 keeps a half that
    floating point computed as 14.4999999999 a half."""
    return int(math.floor(value + 0.5 + 1e-9))


def score_to_points(score: float, scale_min: float, scale_max: float, points_max: int) -> int:
    """Rule 5: points = points_max × (score − scale min) / (scale max − scale min), rounded half up."""
    return round_half_up(points_max * (score - scale_min) / (scale_max - scale_min))


def points_share(score: float, scale_min: float, scale_max: float, points_max: int) -> float:
    """The unrounded points a score stands for (where a block's level is read, rule 5/6)."""
    return points_max * (score - scale_min) / (scale_max - scale_min)


def points_to_score(points: float, scale_min: float, scale_max: float, points_max: int) -> float:
    """The score on the answer scale that a number of points stands for (inverse of the above)."""
    return scale_min + points / points_max * (scale_max - scale_min)


# "Focus next": how many weakest competencies the Overview shows, and for each at most how many
# practices pulling it down and recommendations from the sources
FOCUS_COMPETENCIES = 2
FOCUS_PRACTICES = 2
FOCUS_ADVICE = 3

# --- survey waves (answers collected in the app) ---------------------------------------------------
WAVE_TOKEN_BYTES = 24  # secrets.token_urlsafe(24): 32 characters, 192 random bits in the link
WAVE_MAX_CODES = 5_000  # single-use codes per wave
WAVE_CODE_BYTES = 6  # secrets.token_hex(6): 12 hex characters per code
WAVE_MAX_DEPARTMENTS = 200
WAVE_MAX_ROLES = 50
WAVE_MAX_RESPONSES = 50_000  # a wave stops taking answers here: a script cannot fill the disk
WAVE_SUBMISSIONS_PER_MINUTE = 600  # per wave and app process: 10 a second keeps a room of people, not a script
