-- The donation path in one statement (issue 12, "The donation path").
--
-- receipt_number: the one definition of a receipt number, `{unit_code}-{yyyy}-{seq:06}` (at
-- least six digits), used by the single and the bulk donation writers alike. A SQL function
-- PostgreSQL inlines.
CREATE FUNCTION receipt_number(unit_code text, year int, seq int) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT unit_code || '-' || year || '-' || lpad(seq::text, greatest(6, length(seq::text)), '0') $$;

-- claim_idempotency_key: claims (user, key) for a request hashing to `hash`: inserts the key
-- in progress, or takes over one past its retention or abandoned mid-flight (its lock expired)
-- with the same request. True when the caller now owns it. A concurrent claim of the same key
-- waits for the owner's transaction, so a claim made inside the work's own transaction
-- serialises duplicates instead of racing them.
CREATE FUNCTION claim_idempotency_key(p_user uuid, p_key text, p_hash bytea,
                                      claim_seconds int, retention_hours int) RETURNS boolean
  LANGUAGE plpgsql AS $$
DECLARE
  n int;
BEGIN
  INSERT INTO idempotency_keys AS k (user_id, key, request_hash, state, locked_until)
  VALUES (p_user, p_key, p_hash, 'in_progress', now() + make_interval(secs => claim_seconds))
  ON CONFLICT (user_id, key) DO UPDATE
     SET request_hash = excluded.request_hash, state = 'in_progress', response_status = NULL,
         response_body = NULL, response_location = NULL, created_at = now(),
         locked_until = excluded.locked_until
   WHERE k.created_at < now() - make_interval(hours => retention_hours)
      OR (k.state = 'in_progress' AND k.locked_until < now() AND k.request_hash = excluded.request_hash);
  GET DIAGNOSTICS n = ROW_COUNT;
  RETURN n = 1;
END $$;

-- record_donation: everything recording one donation writes, as one statement (one round trip,
-- committed on its own when sent outside a transaction): the Idempotency-Key claim (when a key
-- is given; no row comes back when the key is taken, and nothing is written), the journal entry
-- and its two postings with the deferred ledger checks forced at once (balance, overdraft, so a
-- refusal comes before the shared row is taken), the audit event, then — last, because the
-- unit's receipt counter is the one row every donation of the unit shares — the counter, the
-- donation and the stored response with its receipt number. Every trigger of the tables runs as
-- for any other insert. The rules (which accounts, which checks) are the application's
-- (src/app/donations.rs); this function only writes what it is given.
CREATE FUNCTION record_donation(
  p_user uuid, p_key text, p_hash bytea, claim_seconds int, retention_hours int,
  p_response jsonb, p_location text,
  p_entry uuid, p_description text, p_debit uuid, p_credit uuid, p_earmark uuid,
  p_audit uuid, p_actor_roles jsonb, p_request_id text, p_client_ip text, p_changes jsonb,
  p_ancestry uuid[],
  p_id uuid, p_unit uuid, p_unit_code text, p_campaign uuid, p_channel text, p_amount numeric,
  p_currency text, p_fx_rate numeric, p_amount_vnd numeric, p_received_on date,
  p_donor_kind text, p_donor_name text, p_donor_search text, p_donor_phone text,
  p_donor_email text, p_donor_address text, p_donor_tax_code text, p_public_display text,
  p_bank_account uuid, p_bank_reference text, p_in_kind_items jsonb, p_note text,
  p_created_at timestamptz
) RETURNS SETOF donations
  LANGUAGE plpgsql AS $$
DECLARE
  yr int := extract(year FROM p_received_on)::int;
  seq int;
  d donations;
BEGIN
  IF p_key IS NOT NULL AND NOT claim_idempotency_key(p_user, p_key, p_hash, claim_seconds, retention_hours) THEN
    RETURN;
  END IF;
  INSERT INTO journal_entries (id, unit_id, effective_date, source_type, source_id, description,
                               reason, reverses_id, created_by)
  VALUES (p_entry, p_unit, p_received_on, 'donation', p_id, p_description, NULL, NULL, p_user);
  INSERT INTO postings (entry_id, account_id, side, amount, campaign_id, unit_id, effective_date)
  VALUES (p_entry, p_debit, 'debit', p_amount_vnd, p_earmark, p_unit, p_received_on),
         (p_entry, p_credit, 'credit', p_amount_vnd, p_earmark, p_unit, p_received_on);
  SET CONSTRAINTS postings_check, journal_entries_check_postings IMMEDIATE;
  SET CONSTRAINTS postings_check, journal_entries_check_postings DEFERRED;
  INSERT INTO audit_events (id, actor_id, actor_roles, action, target_type, target_id, unit_id,
                            request_id, client_ip, changes, unit_ancestry)
  VALUES (p_audit, p_user, p_actor_roles, 'donation.create', 'donation', p_id, p_unit,
          p_request_id, p_client_ip, p_changes, p_ancestry);
  -- last: the unit's one shared row, held from here to the commit
  INSERT INTO receipt_counters AS rc (unit_id, year, last_seq) VALUES (p_unit, yr, 1)
  ON CONFLICT (unit_id, year) DO UPDATE SET last_seq = rc.last_seq + 1
  RETURNING last_seq INTO seq;
  INSERT INTO donations (id, unit_id, campaign_id, channel, amount, currency, fx_rate, amount_vnd,
         received_on, donor_kind, donor_name, donor_search, donor_phone, donor_email,
         donor_address, donor_tax_code, public_display, bank_account_id, bank_reference,
         in_kind_items, note, journal_entry_id, created_by, created_at, receipt_year,
         receipt_seq, receipt_number)
  VALUES (p_id, p_unit, p_campaign, p_channel, p_amount, p_currency, p_fx_rate, p_amount_vnd,
          p_received_on, p_donor_kind, p_donor_name, p_donor_search, p_donor_phone, p_donor_email,
          p_donor_address, p_donor_tax_code, p_public_display, p_bank_account, p_bank_reference,
          p_in_kind_items, p_note, p_entry, p_user, p_created_at, yr, seq,
          receipt_number(p_unit_code, yr, seq))
  RETURNING * INTO d;
  IF p_key IS NOT NULL THEN
    UPDATE idempotency_keys
       SET state = 'done', response_status = 201, response_location = p_location,
           response_body = jsonb_set(p_response, '{receipt_number}', to_jsonb(d.receipt_number))
     WHERE user_id = p_user AND key = p_key;
  END IF;
  RETURN NEXT d;
END $$;
