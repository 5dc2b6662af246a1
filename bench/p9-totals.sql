-- P9's national totals (bench/README.md, "P9"), from the postings themselves: one row per
-- balance kind (kind, key, amount in đồng), the same query before and after the reform.
-- Bank money counts 1121.N and 1131 (money in transit between a handover and its receipt).
-- Each earmark is the restricted money of one campaign, over every asset account.
SELECT kind, key, amount FROM (
  SELECT 1 AS o, 'cash (1111)' AS kind, '' AS key,
         coalesce(sum(CASE side WHEN 'debit' THEN amount ELSE -amount END), 0) AS amount
    FROM postings WHERE chart_code = '1111'
  UNION ALL
  SELECT 2, 'bank (1121 + 1131 in transit)', '',
         coalesce(sum(CASE side WHEN 'debit' THEN amount ELSE -amount END), 0)
    FROM postings WHERE chart_code IN ('1121', '1131')
  UNION ALL
  SELECT 3, 'goods (1551)', '',
         coalesce(sum(CASE side WHEN 'debit' THEN amount ELSE -amount END), 0)
    FROM postings WHERE chart_code = '1551'
  UNION ALL
  SELECT 4, 'all assets (1xxx)', '',
         coalesce(sum(CASE side WHEN 'debit' THEN amount ELSE -amount END), 0)
    FROM postings WHERE chart_code LIKE '1%'
  UNION ALL
  SELECT 5, 'earmark', campaign_id::text,
         sum(CASE side WHEN 'debit' THEN amount ELSE -amount END)
    FROM postings WHERE chart_code LIKE '1%' AND campaign_id IS NOT NULL
   GROUP BY campaign_id
) t ORDER BY o, key;
