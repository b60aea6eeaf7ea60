{#-
  Sparkify's daily runs: each incremental model takes the rows of the staging loads it has not seen
  yet. staging_events stamps every row with the load's transaction time (_loaded_at); each model
  keeps, per row, the latest load that touched it, so the newest _loaded_at in the model is how far
  it has read. A model run after a failed or skipped day takes every load since.
-#}

{#- True for a row of a load newer than any the model `relation` has seen (always, when it has seen none). -#}
{% macro loaded_after_last_run(relation, column='_loaded_at') -%}
    {{ column }} > (select coalesce(max({{ column }}), cast('1900-01-01' as timestamp)) from {{ relation }})
{%- endmacro %}

{#-
  dbt_utils.generate_surrogate_key: md5 of the values as text joined by '-', NULL as a placeholder
  (so a key with a NULL still hashes, and differs from one with the empty string).
-#}
{% macro surrogate_key(columns) -%}
    md5(
    {%- for column in columns %}
        coalesce(cast({{ column }} as varchar(64)), '_dbt_utils_surrogate_key_null_'){% if not loop.last %} || '-' ||{% endif %}
    {%- endfor %}
    )
{%- endmacro %}

{#- The natural key of a play, as text: the user, the session and the event's place in it. -#}
{% macro songplay_key(user_id, session_id, item_in_session) -%}
    {{ surrogate_key([to_user_id(user_id), session_id, item_in_session]) }}
{%- endmacro %}
