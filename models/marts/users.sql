{#- Dimension: one row per non-empty user id, with the level of that user's most recent event. -#}
{{ config(dist='all', sort='user_id') }}
with ranked as (
    select
        {{ to_user_id('user_id') }} as user_id,
        first_name,
        last_name,
        gender,
        level,
        row_number() over (
            partition by {{ to_user_id('user_id') }}
            order by ts desc, session_id desc, item_in_session desc
        ) as recency
    from {{ ref('staging_events') }}
    where {{ to_user_id('user_id') }} is not null
)

select user_id, first_name, last_name, gender, level
from ranked
where recency = 1
