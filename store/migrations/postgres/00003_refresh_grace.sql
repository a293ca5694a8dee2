-- +goose Up
-- A rotated refresh token keeps its successor sealed under itself, so that
-- presenting it again within the grace returns that same successor.

ALTER TABLE refresh_tokens ADD COLUMN successor_sealed BYTEA;
