package users

import (
	"context"

	"github.com/jackc/pgx/v5/pgxpool"
)

func Rename(ctx context.Context, pool *pgxpool.Pool, id int, name string) error {
	_, err := pool.Exec(ctx, "UPDATE users SET name = $1 WHERE id = $2", name, id)
	return err
}
