"""The campaign file's SQL schema: the versioned migrations of :mod:`luxcheck.journal.store`.

``MIGRATIONS[i]`` brings a file of schema version ``i`` to ``i + 1``; ``SCHEMA_VERSION`` is the
version this code writes. Migrations only add (tables, columns, triggers): a file of any older
version opens and is migrated in one transaction.
"""

from __future__ import annotations

SCHEMA_VERSION = 8

_V1 = """
CREATE TABLE campaign (
    campaign_id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    profile TEXT NOT NULL,
    client TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE school (
    school_id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    district TEXT NOT NULL,
    address TEXT NOT NULL
);
CREATE TABLE classroom (
    classroom_id TEXT PRIMARY KEY,
    school_id TEXT NOT NULL REFERENCES school(school_id),
    name TEXT NOT NULL,
    room_type TEXT NOT NULL,
    length_m REAL NOT NULL, width_m REAL NOT NULL, height_m REAL NOT NULL,
    desk_rows INTEGER NOT NULL, desk_front_m REAL NOT NULL, desk_back_m REAL NOT NULL,
    desk_height_m REAL NOT NULL,
    board_width_m REAL NOT NULL, board_height_m REAL NOT NULL, board_bottom_m REAL NOT NULL,
    luminaire_count INTEGER NOT NULL, luminaire_rows INTEGER NOT NULL,
    luminaire_columns INTEGER NOT NULL, board_luminaire_count INTEGER NOT NULL,
    luminaire_mounting_height_m REAL, installed_power_w REAL,
    building TEXT NOT NULL, floor TEXT NOT NULL, notes TEXT NOT NULL
);
CREATE INDEX classroom_school ON classroom(school_id);
CREATE TABLE instrument (
    instrument_id TEXT PRIMARY KEY,
    model TEXT NOT NULL, serial_number TEXT NOT NULL, calibration_date TEXT NOT NULL,
    expanded_uncertainty_percent REAL NOT NULL, coverage_factor REAL NOT NULL,
    kind TEXT NOT NULL
);
CREATE TABLE session (
    session_id TEXT PRIMARY KEY,
    classroom_id TEXT NOT NULL REFERENCES classroom(classroom_id),
    inspector TEXT NOT NULL,
    started_at TEXT NOT NULL,
    instrument_ids TEXT NOT NULL,
    notes TEXT NOT NULL
);
CREATE INDEX session_classroom ON session(classroom_id);
CREATE TABLE reading (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    reading_id TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    session_id TEXT NOT NULL REFERENCES session(session_id),
    classroom_id TEXT NOT NULL REFERENCES classroom(classroom_id),
    taken_at TEXT NOT NULL,
    instrument_id TEXT REFERENCES instrument(instrument_id),
    supersedes TEXT REFERENCES reading(reading_id),
    note TEXT NOT NULL,
    -- illuminance
    surface TEXT, x_m REAL, y_m REAL, lights_on INTEGER, illuminance_lx REAL, point INTEGER,
    -- spectrum / waveform arrays (raw bytes + numpy dtype string)
    wavelength_nm_blob BLOB, wavelength_nm_dtype TEXT,
    values_blob BLOB, values_dtype TEXT,
    samples_blob BLOB, samples_dtype TEXT,
    unit TEXT, luminaire TEXT,
    sample_rate_hz REAL, dark_level REAL, full_scale REAL,
    -- luminance
    target TEXT, luminance_cd_m2 REAL, observer TEXT, solid_angle_sr REAL, position_index REAL,
    -- power / height
    circuit TEXT, power_w REAL, height_m REAL, horizontal_distance_m REAL
);
CREATE INDEX reading_classroom ON reading(classroom_id, kind);
CREATE INDEX reading_supersedes ON reading(supersedes);
CREATE TRIGGER reading_no_update BEFORE UPDATE ON reading
BEGIN SELECT RAISE(ABORT, 'readings are append-only: add a correction that supersedes it'); END;
CREATE TRIGGER reading_no_delete BEFORE DELETE ON reading
BEGIN SELECT RAISE(ABORT, 'readings are append-only: add a void reading to withdraw it'); END;
CREATE TABLE metric (
    classroom_id TEXT NOT NULL REFERENCES classroom(classroom_id),
    metric_id TEXT NOT NULL,
    value REAL,
    text_value TEXT,
    reason TEXT,
    computed_at TEXT NOT NULL,
    input_hash TEXT NOT NULL,
    PRIMARY KEY (classroom_id, metric_id)
);
"""

#: Ordered migrations: MIGRATIONS[i] brings schema version i to version i + 1.
#: Version 2: the luminous opening of the general luminaires (for UGR from luminances).
_V2 = """
ALTER TABLE classroom ADD COLUMN luminaire_luminous_length_m REAL;
ALTER TABLE classroom ADD COLUMN luminaire_luminous_width_m REAL;
"""

#: Version 3: what the analysis computed for the reports' figures besides the metrics, replaced
#: with them: labelled points (the UGR at each observer position, the luminaire layout) and
#: interpolated surfaces (the desk plane), arrays as little-endian float64 bytes.
_V3 = """
CREATE TABLE figure_point (
    classroom_id TEXT NOT NULL REFERENCES classroom(classroom_id),
    layer TEXT NOT NULL,
    seq INTEGER NOT NULL,
    label TEXT NOT NULL,
    x_m REAL NOT NULL,
    y_m REAL NOT NULL,
    value REAL,
    PRIMARY KEY (classroom_id, layer, seq)
);
CREATE TABLE figure_surface (
    classroom_id TEXT NOT NULL REFERENCES classroom(classroom_id),
    surface TEXT NOT NULL,
    x_m BLOB NOT NULL,
    y_m BLOB NOT NULL,
    value BLOB NOT NULL,
    PRIMARY KEY (classroom_id, surface)
);
"""

#: Version 4: the luminaires' light source technology and their assessed blue-light risk
#: groups (IEC 62471 / IEC TR 62778, from the luminaire's test report or marking).
_V4 = """
ALTER TABLE classroom ADD COLUMN luminaire_technology TEXT;
ALTER TABLE classroom ADD COLUMN luminaire_risk_group TEXT;
ALTER TABLE classroom ADD COLUMN board_luminaire_risk_group TEXT;
"""

#: Version 5: the laboratory's document (ISO/IEC 17025 §7.8): the instruments' name,
#: calibration certificate and due date; the environmental conditions of each session; the
#: report numbers given to each revision of a classroom's report and who prepared, reviewed
#: and approved it. The three record tables are append-only.
_V5 = """
ALTER TABLE instrument ADD COLUMN name TEXT NOT NULL DEFAULT '';
ALTER TABLE instrument ADD COLUMN calibration_certificate TEXT NOT NULL DEFAULT '';
ALTER TABLE instrument ADD COLUMN calibration_due TEXT;
-- record table: record_id
CREATE TABLE environment (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    record_id TEXT NOT NULL UNIQUE,
    session_id TEXT NOT NULL REFERENCES session(session_id),
    recorded_at TEXT NOT NULL,
    temperature_C REAL, relative_humidity_percent REAL, supply_voltage_V REAL,
    stray_light_lx REAL, warmup_min REAL,
    note TEXT NOT NULL
);
CREATE INDEX environment_session ON environment(session_id);
CREATE TRIGGER environment_no_update BEFORE UPDATE ON environment
BEGIN SELECT RAISE(ABORT, 'environment records are append-only: add a new record'); END;
CREATE TRIGGER environment_no_delete BEFORE DELETE ON environment
BEGIN SELECT RAISE(ABORT, 'environment records are append-only'); END;
-- record table: report_number
CREATE TABLE report_revision (
    report_number TEXT PRIMARY KEY,
    classroom_id TEXT NOT NULL REFERENCES classroom(classroom_id),
    revision INTEGER NOT NULL,
    year INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    digest TEXT NOT NULL,
    assigned_at TEXT NOT NULL,
    replaces TEXT NOT NULL,
    UNIQUE (classroom_id, revision),
    UNIQUE (year, seq)
);
CREATE TRIGGER report_revision_no_update BEFORE UPDATE ON report_revision
BEGIN SELECT RAISE(ABORT, 'report numbers are append-only: a correction is a new revision'); END;
CREATE TRIGGER report_revision_no_delete BEFORE DELETE ON report_revision
BEGIN SELECT RAISE(ABORT, 'report numbers are append-only'); END;
-- record table: (report_number, role)
CREATE TABLE report_signoff (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    report_number TEXT NOT NULL REFERENCES report_revision(report_number),
    role TEXT NOT NULL,
    person_id TEXT NOT NULL,
    person_name TEXT NOT NULL,
    signed_at TEXT NOT NULL,
    digest TEXT NOT NULL,
    UNIQUE (report_number, role)
);
CREATE TRIGGER report_signoff_no_update BEFORE UPDATE ON report_signoff
BEGIN SELECT RAISE(ABORT, 'sign-offs are append-only'); END;
CREATE TRIGGER report_signoff_no_delete BEFORE DELETE ON report_signoff
BEGIN SELECT RAISE(ABORT, 'sign-offs are append-only'); END;
"""

#: Version 6: sessions as first-class objects (issue 18). A session's kind (first test or
#: re-test, 复测) and the reason of a re-test; who holds a classroom's session open (host, user,
#: process), so that two sessions at once on one classroom are refused at start; sessions
#: withdrawn (voided) with the reason, who and when, and undone the same way; and, per stored
#: metric, the session its value comes from and the first test's value of a re-tested metric.
# record table: session_hold (hold_id)
# record table: session_void (void_id)
_V6 = """
ALTER TABLE session ADD COLUMN kind TEXT NOT NULL DEFAULT 'first';
ALTER TABLE session ADD COLUMN retest_reason TEXT NOT NULL DEFAULT '';
-- record table: hold_id
CREATE TABLE session_hold (
    hold_id TEXT PRIMARY KEY,
    classroom_id TEXT NOT NULL REFERENCES classroom(classroom_id),
    session_id TEXT NOT NULL,
    action TEXT NOT NULL CHECK (action IN ('take', 'release')),
    host TEXT NOT NULL,
    user TEXT NOT NULL,
    pid INTEGER NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX session_hold_classroom ON session_hold(classroom_id);
CREATE TRIGGER session_hold_no_update BEFORE UPDATE ON session_hold
BEGIN SELECT RAISE(ABORT, 'session holds are append-only'); END;
CREATE TRIGGER session_hold_no_delete BEFORE DELETE ON session_hold
BEGIN SELECT RAISE(ABORT, 'session holds are append-only'); END;
-- record table: void_id
CREATE TABLE session_void (
    void_id TEXT PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES session(session_id),
    reason TEXT NOT NULL,
    by TEXT NOT NULL,
    at TEXT NOT NULL,
    undoes TEXT REFERENCES session_void(void_id)
);
CREATE INDEX session_void_session ON session_void(session_id);
CREATE TRIGGER session_void_no_update BEFORE UPDATE ON session_void
BEGIN SELECT RAISE(ABORT, 'session voids are append-only: add one that undoes it'); END;
CREATE TRIGGER session_void_no_delete BEFORE DELETE ON session_void
BEGIN SELECT RAISE(ABORT, 'session voids are append-only: add one that undoes it'); END;
CREATE TABLE metric_source (
    classroom_id TEXT NOT NULL REFERENCES classroom(classroom_id),
    metric_id TEXT NOT NULL,
    session_id TEXT NOT NULL,
    retested INTEGER NOT NULL,
    first_value REAL,
    first_text TEXT,
    first_reason TEXT,
    first_session_id TEXT,
    PRIMARY KEY (classroom_id, metric_id)
);
"""

#: Version 7: the laboratory whose team measured (issue 22: one campaign, many laboratories):
#: the campaign file's own laboratory (set by ``campaign init --laboratory``) and, copied from
#: it when a session is journalled, each session's.
_V7 = """
ALTER TABLE campaign ADD COLUMN laboratory TEXT NOT NULL DEFAULT '';
ALTER TABLE session ADD COLUMN laboratory TEXT NOT NULL DEFAULT '';
"""

#: Version 8: the expanded uncertainty each instrument states per quantity (metric id), the
#: guard bands of the guarded decision rule (ILAC-G8:09/2019). Append-only: a restated value is
#: a new row; the latest row of an (instrument, metric) pair is the one in use.
# record table: instrument_id, metric_id (seq orders restatements)
_V8 = """
CREATE TABLE instrument_uncertainty (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    instrument_id TEXT NOT NULL REFERENCES instrument(instrument_id),
    metric_id TEXT NOT NULL,
    expanded_uncertainty REAL NOT NULL,
    unit TEXT NOT NULL,
    coverage_factor REAL NOT NULL,
    basis TEXT NOT NULL
);
CREATE INDEX instrument_uncertainty_instrument ON instrument_uncertainty(instrument_id);
CREATE TRIGGER instrument_uncertainty_no_update BEFORE UPDATE ON instrument_uncertainty
BEGIN SELECT RAISE(ABORT, 'uncertainties are append-only: add a restated row'); END;
CREATE TRIGGER instrument_uncertainty_no_delete BEFORE DELETE ON instrument_uncertainty
BEGIN SELECT RAISE(ABORT, 'uncertainties are append-only: add a restated row'); END;
"""

MIGRATIONS: tuple[str, ...] = (_V1, _V2, _V3, _V4, _V5, _V6, _V7, _V8)
