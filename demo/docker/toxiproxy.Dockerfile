# toxiproxy's server (github.com/Shopify/toxiproxy/v2/cmd/server, the
# version in go.mod) in an image with nothing but its static binary. Build
# the binary first, with CGO_ENABLED=0, into the build context: `make
# images` and docker.BuildImages do both steps. FROM scratch: nothing is
# pulled. Its -host defaults to localhost; inside a container it must
# listen on every interface.
FROM scratch
COPY toxiproxy /toxiproxy
EXPOSE 8474
ENTRYPOINT ["/toxiproxy"]
CMD ["-host=0.0.0.0"]
