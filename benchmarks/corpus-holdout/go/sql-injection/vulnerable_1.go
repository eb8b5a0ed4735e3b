package users

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5/pgxpool"
)

func Rename(ctx context.Context, pool *pgxpool.Pool, id int, name string) error {
	_, err := pool.Exec(ctx, fmt.Sprintf("UPDATE users SET name = '%s' WHERE id = %d", name, id)) // VULN
	return err
}
