-- A class's binding poster carries a permanent follow QR code whose scene names the class
-- (`class:{id}`); its ticket is kept so the poster is made once and reprinted as is
-- (permanent codes are a quota the account spends).
ALTER TABLE classes ADD COLUMN poster_ticket TEXT;
