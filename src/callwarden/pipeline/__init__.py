"""Stage contract and runner that wire audio/speech/analysis to storage."""
