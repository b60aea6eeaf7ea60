{#-
  Every user's level is the level of their latest event: the most recent ts, ties broken by the
  later session, then the later item in the session. A row here is a user whose level is stale.
-#}
with latest as (
    select
        {{ to_user_id('user_id') }} as user_id,
        level,
        row_number() over (
            partition by {{ to_user_id('user_id') }}
            order by ts desc, session_id desc, item_in_session desc
        ) as recency
    from {{ ref('staging_events') }}
    where {{ to_user_id('user_id') }} is not null
)

select users.user_id, users.level, latest.level as latest_level
from {{ ref('users') }} as users
join latest
    on latest.user_id = users.user_id
    and latest.recency = 1
where users.level is distinct from latest.level
