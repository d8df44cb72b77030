"""The guide's PaymentService.processPayment, line by line, as the code panel shows it.

Each line may carry a step id: the handler step the simulator reports (docs/events.md,
the payments extension) lights that line. Lines are wrapped to 44 characters so
the panel reads at 12 px beside a diagram at 1366x768.
"""

# (step id or "", indent level, text)
HANDLER_LINES: list[tuple[str, int, str]] = [
    ("", 0, "@Transactional"),
    ("", 0, "PaymentResponse processPayment(req) {"),
    ("", 1, "String key = req.getIdempotencyKey();"),
    ("", 1, "// Step 1: check if already processed"),
    ("check", 1, "var existing = repo.findByKey(key);"),
    ("", 1, "if (existing.isPresent()) {"),
    ("", 2, "var record = existing.get();"),
    ("", 2, "if (record.getStatus() == PROCESSING) {"),
    ("conflict", 3, "throw new ConflictException(  // 409"),
    ("conflict", 4, "\"Being processed. Retry later.\");"),
    ("", 2, "}"),
    ("cached", 2, "return record.getCachedResponse();"),
    ("", 1, "}"),
    ("", 1, "// Step 2: claim this key (PROCESSING)"),
    ("", 1, "try {"),
    ("claim", 2, "repo.insert(new IdempotencyRecord("),
    ("claim", 4, "key, Status.PROCESSING, null));"),
    ("duplicate", 1, "} catch (DuplicateKeyException e) {"),
    ("duplicate", 2, "throw new ConflictException("),
    ("duplicate", 4, "\"Duplicate request\");      // 409"),
    ("", 1, "}"),
    ("", 1, "// Step 3: process the actual payment"),
    ("", 1, "try {"),
    ("validate", 2, "validateBalance(req.getUserId(), amt);"),
    ("deduct", 2, "deductBalance(req.getUserId(), amt);"),
    ("transaction", 2, "createTransaction(req);"),
    ("", 2, "var response = new PaymentResponse("),
    ("", 4, "SUCCESS, \"Payment processed\");"),
    ("", 2, "// Step 4: save result, mark SUCCESS"),
    ("success", 2, "repo.updateStatus(key, SUCCESS, response);"),
    ("respond", 2, "return response;"),
    ("", 1, "} catch (Exception e) {"),
    ("failed", 2, "repo.updateStatus(key, FAILED, null);"),
    ("failed", 2, "throw e;"),
    ("", 1, "}"),
    ("", 0, "}"),
]

LINE_HEIGHT = 16.5
TOP = 22
INDENT = 16
LEFT = 34
