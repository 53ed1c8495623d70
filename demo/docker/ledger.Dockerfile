# The demo ledger (both tiers: `store` and `api`) in an image with nothing
# but its static binary. Build the binary first, with CGO_ENABLED=0, into
# the build context: `make images` and docker.BuildImages do both steps.
# FROM scratch: nothing is pulled.
FROM scratch
COPY ledger /ledger
EXPOSE 8080
ENTRYPOINT ["/ledger"]
