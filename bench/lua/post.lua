-- POST /api/v1/tasks with a small task body.
wrk.method = "POST"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"title": "benchmark task", "priority": "high", "labels": ["bench"]}'
