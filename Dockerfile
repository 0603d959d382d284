# The eastern image: the two static binaries on an empty base, for Jenkins
# Kubernetes agents and Argo CD sidecars. No shell, no C library and no CA
# certificates: render and lint read files, and deploy trusts the cluster
# its kubeconfig names.
#
#   make image      builds the binaries, then this image with docker, podman
#                   or buildah (IMAGE_BUILDER=...), tagged eastern:VERSION
#
# The build context is the repository after `make build`: .dockerignore
# sends the two binaries alone.
FROM scratch
COPY eastern eastern-cluster /usr/local/bin/
# Any user: eastern needs no privileges, and Jenkins and Argo CD run their
# containers as users of their own.
USER 65534:65534
WORKDIR /work
ENTRYPOINT ["/usr/local/bin/eastern"]
CMD ["--help"]
