{#-
  users_history holds one row per change of a user's level and chains them: a row here is a
  (user_id, valid_from) or (user_id, change_number) held twice, change numbers that do not run
  1, 2, 3…, a row that repeats the level before it (not a change), a valid_to that is not the next
  row's valid_from, or a user whose current row (valid_to NULL) disagrees with users.level.
-#}
with chained as (
    select
        user_id,
        change_number,
        level,
        valid_from,
        valid_to,
        lag(level) over (partition by user_id order by valid_from) as previous_level,
        lead(valid_from) over (partition by user_id order by valid_from) as next_valid_from,
        row_number() over (partition by user_id order by valid_from) as position,
        count(*) over (partition by user_id, valid_from) as held_at,
        count(*) over (partition by user_id, change_number) as held_as
    from {{ ref('users_history') }}
)

select user_id, level, valid_from, 'held twice' as problem
from chained
where held_at > 1 or held_as > 1

union all

select user_id, level, valid_from, 'change_number is not its place'
from chained
where change_number <> position

union all

select user_id, level, valid_from, 'not a change'
from chained
where level = previous_level

union all

select user_id, level, valid_from, 'valid_to is not the next valid_from'
from chained
where coalesce(valid_to, cast('9999-12-31' as timestamp)) <> coalesce(next_valid_from, cast('9999-12-31' as timestamp))

union all

select users.user_id, chained.level, chained.valid_from, 'current level differs from users'
from {{ ref('users') }} as users
left join chained
    on chained.user_id = users.user_id
    and chained.valid_to is null
where chained.level is null or chained.level <> users.level
